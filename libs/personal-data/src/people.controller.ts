import { Body, Controller, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { ValidateBy } from 'class-validator';
import type { Actor } from '@haven/domain';
import { CommandRequest } from '@haven/edge';
import { CurrentActor, HttpAuthGuard, isUsableUserId } from '@haven/identity';
import { PeopleService } from './people.service';

/** a user id a token could carry as its sub (identity's rule): erasing or exporting anything else would be a no-op on record */
export class PersonParams {
  @ApiProperty({ description: "the person's user id (the token's sub)" })
  @ValidateBy({ name: 'isUserId', validator: { validate: isUsableUserId, defaultMessage: () => 'userId must be a user id a token could carry' } })
  userId!: string;
}

@ApiTags('personal data')
@ApiBearerAuth()
@UseGuards(HttpAuthGuard)
@Controller('people')
export class PeopleController {
  constructor(private readonly people: PeopleService) {}

  @Post(':userId/erasure')
  @HttpCode(200)
  @ApiOperation({
    summary:
      "Admins: erase a person's personal data (their messages' words, reasons and notes about them, their mentor requests' topics and notes, their family sessions' titles and invitees). Their keys are deleted: what was sealed with them reads as null everywhere, from then on. Ids, times and the record of who did what stay. Cannot be undone.",
  })
  async erase(@CurrentActor() actor: Actor, @Param() { userId }: PersonParams, @Body() { commandId }: CommandRequest) {
    return { ok: true, data: await this.people.erase(actor, userId, commandId) };
  }

  @Post(':userId/export')
  @HttpCode(200)
  @ApiOperation({
    summary:
      "Admins: every event the person did or is named in, oldest first, opened (erased values are null), through the log's head when asked. Each export is recorded (PersonalDataExported) before it is read; a repeated commandId exports through the same position again.",
  })
  async export(@CurrentActor() actor: Actor, @Param() { userId }: PersonParams, @Body() { commandId }: CommandRequest) {
    return { ok: true, data: await this.people.export(actor, userId, commandId) };
  }
}
