import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional, IsString, IsUUID, Length, Matches } from 'class-validator';
import { CommandRequest } from '@haven/rooms/edge/command.request';

// Coarse bounds; the decider's rules (trimmed lengths, times) answer FAMILY.INVALID_REQUEST naming the field.

export class ScheduleFamilySessionRequest extends CommandRequest {
  @ApiPropertyOptional({ format: 'uuid', description: 'defaults to an id derived from commandId' })
  @IsOptional() @IsUUID() sessionId?: string;
  @ApiProperty({ description: "the participant's user id" }) @IsString() @Length(1, 200) participantId!: string;
  @ApiProperty({ maxLength: 100, example: 'Family session with Dr. Kim' }) @IsString() @Length(0, 1000) title!: string;
  @ApiProperty({ example: '2026-12-03T17:00:00.000Z' }) @IsISO8601({ strict: true }) startsAt!: string;
  @ApiProperty({ example: '2026-12-03T18:00:00.000Z' }) @IsISO8601({ strict: true }) endsAt!: string;
}

export class FamilySessionRefRequest extends CommandRequest {
  @ApiProperty({ format: 'uuid' }) @IsUUID() sessionId!: string;
}

export class RescheduleFamilySessionRequest extends FamilySessionRefRequest {
  @ApiProperty({ example: '2026-12-04T17:00:00.000Z' }) @IsISO8601({ strict: true }) startsAt!: string;
  @ApiProperty({ example: '2026-12-04T18:00:00.000Z' }) @IsISO8601({ strict: true }) endsAt!: string;
}

export class InviteFamilyMemberRequest extends FamilySessionRefRequest {
  @ApiProperty({ maxLength: 60, description: 'how the family member is shown to the session, e.g. "Mom"', example: 'Mom' })
  @IsString() @Length(0, 600) inviteeLabel!: string;
}

export class FamilyInviteRefRequest extends FamilySessionRefRequest {
  @ApiProperty({ format: 'uuid' }) @IsUUID() inviteId!: string;
}

export class FamilyGuestRefRequest extends FamilySessionRefRequest {
  @ApiProperty({ example: 'family-6f1c0d7e-...' }) @IsString() @Length(1, 200) guestId!: string;
}

export class TellFamilyLobbyRequest extends FamilySessionRefRequest {
  @ApiProperty({ maxLength: 500, description: 'to the family members waiting to be admitted', example: 'We start in five minutes.' })
  @IsString() @Length(0, 5000) text!: string;
}

export class RedeemFamilyInviteRequest {
  @ApiProperty({ description: 'the code from the invite', example: 'q3V8m0cZk2l7XyP4u9sRtA' })
  @IsString() @Length(10, 100) @Matches(/^[A-Za-z0-9_-]+$/, { message: 'code is letters, digits, - and _ only' }) code!: string;
}
