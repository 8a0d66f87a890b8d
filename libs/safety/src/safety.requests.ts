import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsString, IsUUID, Length, Matches, ValidateIf } from 'class-validator';
import { AfterPageQuery, CharLength } from '@haven/edge';
import { ALERT_OUTCOMES, type AlertOutcome } from './domain/safety-alert.events';

class SafetyCommandRequest {
  @ApiProperty({ description: 'client-chosen idempotency key' })
  @IsString() @Length(1, 100) @Matches(/^[A-Za-z0-9._:-]+$/)
  commandId!: string;
}

/** "I need help now", from inside a room the sender belongs to, or (`person`) from anywhere, for themselves. */
export class HelpNowRequest extends SafetyCommandRequest {
  @ApiProperty({ enum: ['room', 'person'], description: "room: from inside that room; person: from anywhere else (participants and mentors)" })
  @IsIn(['room', 'person']) conversationKind!: 'room' | 'person';
  @ApiPropertyOptional({ format: 'uuid', description: "the room's id; omitted for `person` (it is you)" })
  @ValidateIf((request: HelpNowRequest) => request.conversationKind !== 'person' || request.conversationId !== undefined)
  @IsUUID() conversationId?: string;
}

export class AlertRequest extends SafetyCommandRequest {
  @ApiProperty({ format: 'uuid' }) @IsUUID() alertId!: string;
}

export class ResolveAlertRequest extends AlertRequest {
  @ApiProperty({ enum: ALERT_OUTCOMES }) @IsIn(ALERT_OUTCOMES) outcome!: AlertOutcome;
  @ApiProperty({ maxLength: 2000 }) @IsString() @CharLength(1, 2000) note!: string;
}

export class AlertsQuery extends AfterPageQuery {
  @ApiPropertyOptional({ enum: ['raised', 'acknowledged', 'resolved'] })
  @IsOptional() @IsIn(['raised', 'acknowledged', 'resolved']) status?: string;
}

/** A clinician going on or off call; an admin taking someone off (`userId`). */
export class SetOnCallRequest extends SafetyCommandRequest {
  @ApiProperty({ description: 'true: on call (clinicians, themselves); false: off call' }) @IsBoolean() onCall!: boolean;
  @ApiPropertyOptional({ maxLength: 200, description: 'whose call: yourself when omitted; an admin takes another clinician off call' })
  @IsOptional() @IsString() @Length(1, 200) userId?: string;
}
