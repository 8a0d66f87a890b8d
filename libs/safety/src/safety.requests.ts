import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsString, IsUUID, Length, Matches } from 'class-validator';
import { CharLength } from '@haven/edge';
import { ALERT_OUTCOMES, type AlertOutcome } from './domain/safety-alert.events';

class SafetyCommandRequest {
  @ApiProperty({ description: 'client-chosen idempotency key' })
  @IsString() @Length(1, 100) @Matches(/^[A-Za-z0-9._:-]+$/)
  commandId!: string;
}

/** "I need help now", from inside a conversation the sender belongs to. */
export class HelpNowRequest extends SafetyCommandRequest {
  @ApiProperty({ enum: ['room'] }) @IsIn(['room']) conversationKind!: 'room';
  @ApiProperty({ format: 'uuid' }) @IsUUID() conversationId!: string;
}

export class AlertRequest extends SafetyCommandRequest {
  @ApiProperty({ format: 'uuid' }) @IsUUID() alertId!: string;
}

export class ResolveAlertRequest extends AlertRequest {
  @ApiProperty({ enum: ALERT_OUTCOMES }) @IsIn(ALERT_OUTCOMES) outcome!: AlertOutcome;
  @ApiProperty({ maxLength: 2000 }) @IsString() @CharLength(1, 2000) note!: string;
}

export class AlertsQuery {
  @ApiPropertyOptional({ enum: ['raised', 'acknowledged', 'resolved'] })
  @IsOptional() @IsIn(['raised', 'acknowledged', 'resolved']) status?: string;
}

/** A clinician going on or off call; an admin taking someone off (`userId`). */
export class SetOnCallRequest extends SafetyCommandRequest {
  @ApiProperty({ description: 'true: on call (clinicians, themselves); false: off call' }) @IsBoolean() onCall!: boolean;
  @ApiPropertyOptional({ maxLength: 200, description: 'whose call: yourself when omitted; an admin takes another clinician off call' })
  @IsOptional() @IsString() @Length(1, 200) userId?: string;
}
