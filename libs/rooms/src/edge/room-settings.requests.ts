import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsDefined, IsIn, IsInt, IsObject, IsOptional, IsString, IsUUID, Length, Matches, Max, Min, ValidateIf, ValidateNested } from 'class-validator';
import { CLOCK_TIME, WEEKDAYS, type Weekday } from '@haven/domain';
import { CharLength } from '@haven/edge';
import { JOIN_RULES, ROOM_KINDS, type JoinRule, type RoomKind } from '../domain/room.commands';
import { MAX_OPEN_WINDOWS } from '../domain/room-open-hours';
import { CommandRequest, RoomCommandRequest } from './command.request';

export class CreateRoomRequest extends CommandRequest {
  @ApiPropertyOptional({ format: 'uuid', description: 'defaults to an id derived from commandId' })
  @IsOptional()
  @IsUUID()
  roomId?: string;

  @ApiProperty() @IsString() @CharLength(1, 100) name!: string;
  @ApiProperty() @IsString() @CharLength(0, 500) topic!: string;
  @ApiProperty({ enum: ROOM_KINDS }) @IsIn(ROOM_KINDS) kind!: RoomKind;
  @ApiProperty({ minimum: 2, maximum: 500 }) @IsInt() @Min(2) @Max(500) capacity!: number;
  @ApiProperty({ enum: JOIN_RULES }) @IsIn(JOIN_RULES) joinRule!: JoinRule;
}

export class RenameRoomRequest extends RoomCommandRequest {
  @ApiProperty() @IsString() @CharLength(1, 100) name!: string;
}

export class ChangeTopicRequest extends RoomCommandRequest {
  @ApiProperty() @IsString() @CharLength(0, 500) topic!: string;
}

export class ChangeJoinRuleRequest extends RoomCommandRequest {
  @ApiProperty({ enum: JOIN_RULES }) @IsIn(JOIN_RULES) joinRule!: JoinRule;
}

/** ArchiveRoom, JoinRoom, LeaveRoom, LockRoom without reason...: a room and a command id, nothing more */
export class RoomOnlyRequest extends RoomCommandRequest {}

export class TargetUserRequest extends RoomCommandRequest {
  @ApiProperty() @IsString() @Length(1, 200) userId!: string;
}

export class SetAgreementRequest extends RoomCommandRequest {
  @ApiPropertyOptional({ description: "the group's agreement, 1 to 2000 characters; left out (or null): the room has none from now on" })
  @IsOptional()
  @IsString()
  @CharLength(1, 2000)
  text?: string | null;
}

export class AcceptAgreementRequest extends RoomCommandRequest {
  @ApiProperty({ description: 'the version read (GET /rooms/:roomId/agreement, or the AgreementSet event)', minimum: 1 }) @IsInt() @Min(1) version!: number;
}

export class OpenWindowRequest {
  @ApiProperty({ enum: WEEKDAYS }) @IsIn(WEEKDAYS) day!: Weekday;
  @ApiProperty({ description: 'opens, HH:MM on the room clock', example: '18:00' }) @IsString() @Matches(CLOCK_TIME, { message: 'from must be a time of day as HH:MM' }) from!: string;
  @ApiProperty({ description: 'closes (not included), HH:MM, after from on the same day; 23:59 runs to midnight', example: '21:00' })
  @IsString()
  @Matches(CLOCK_TIME, { message: 'until must be a time of day as HH:MM' })
  until!: string;
}

export class OpenHoursRequest {
  @ApiProperty({ description: "the room's IANA time zone", example: 'America/Chicago' }) @IsString() @Length(1, 64) timeZone!: string;

  @ApiProperty({ type: [OpenWindowRequest], minItems: 1, maxItems: MAX_OPEN_WINDOWS })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_OPEN_WINDOWS)
  @ValidateNested({ each: true })
  @Type(() => OpenWindowRequest)
  windows!: OpenWindowRequest[];
}

export class SetOpenHoursRequest extends RoomCommandRequest {
  @ApiProperty({ type: OpenHoursRequest, nullable: true, description: 'when members other than its facilitators and staff may post, edit, react and type; null: at all hours' })
  @IsDefined()
  @ValidateIf((_, value) => value !== null)
  // an array would pass ValidateNested as a list of none (found by the socket fuzz)
  @IsObject()
  @ValidateNested()
  @Type(() => OpenHoursRequest)
  openHours!: OpenHoursRequest | null;
}
