import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Max, Min } from 'class-validator';
import { CharLength } from '@haven/edge';
import { REPORT_OUTCOMES, type ReportOutcome } from '../domain/room.commands';
import { RoomCommandRequest } from './command.request';
import { TargetUserRequest } from './room-settings.requests';

export class MuteMemberRequest extends TargetUserRequest {
  @ApiProperty({ minimum: 60, maximum: 604800 }) @IsInt() @Min(60) @Max(604800) durationSeconds!: number;
  @ApiProperty({ maxLength: 500 }) @IsString() @CharLength(1, 500) reason!: string;
}

export class WarnMemberRequest extends TargetUserRequest {
  @ApiProperty({ maxLength: 500 }) @IsString() @CharLength(1, 500) reason!: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'the message that prompted the warning' }) @IsOptional() @IsUUID() messageId?: string;
}

export class ReasonedTargetRequest extends TargetUserRequest {
  @ApiProperty({ maxLength: 500 }) @IsString() @CharLength(1, 500) reason!: string;
}

export class RedactMessageRequest extends RoomCommandRequest {
  @ApiProperty({ format: 'uuid' }) @IsUUID() messageId!: string;
  @ApiProperty({ maxLength: 500 }) @IsString() @CharLength(1, 500) reason!: string;
}

export class SlowModeRequest extends RoomCommandRequest {
  @ApiProperty({ minimum: 0, maximum: 3600, description: '0 turns slow mode off' }) @IsInt() @Min(0) @Max(3600) intervalSeconds!: number;
}

export class LockRequest extends RoomCommandRequest {
  @ApiPropertyOptional({ maxLength: 500 }) @IsOptional() @IsString() @CharLength(1, 500) reason?: string;
}

export class ReportMessageRequest extends RoomCommandRequest {
  @ApiPropertyOptional({ format: 'uuid', description: 'defaults to an id derived from commandId' }) @IsOptional() @IsUUID() reportId?: string;
  @ApiProperty({ format: 'uuid' }) @IsUUID() messageId!: string;
  @ApiProperty({ maxLength: 500 }) @IsString() @CharLength(1, 500) reason!: string;
}

export class ResolveReportRequest extends RoomCommandRequest {
  @ApiProperty({ format: 'uuid' }) @IsUUID() reportId!: string;
  @ApiProperty({ enum: REPORT_OUTCOMES }) @IsIn(REPORT_OUTCOMES) outcome!: ReportOutcome;
  @ApiPropertyOptional({ maxLength: 500 }) @IsOptional() @IsString() @CharLength(1, 500) note?: string;
}
