import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsOptional, IsString, IsUUID, Length, Min } from 'class-validator';
import { CharLength } from '@haven/edge';
import { RoomCommandRequest } from './command.request';

export class PostMessageRequest extends RoomCommandRequest {
  @ApiPropertyOptional({ format: 'uuid', description: 'defaults to an id derived from commandId' })
  @IsOptional() @IsUUID() messageId?: string;

  /** length rules (1..4000 after trimming) are the domain's: it answers ROOM.MESSAGE_EMPTY / ROOM.MESSAGE_TOO_LONG */
  @ApiProperty({ maxLength: 4000 }) @IsString() @Length(0, 20000) text!: string;

  @ApiPropertyOptional({ description: 'a short tag clients show collapsed, e.g. "self-harm mention"', maxLength: 60 })
  // a coarse bound here, as for text: the 60-character rule is the decider's, after the crisis screening, so a long
  // warning with crisis words still gets help instead of a validation error
  @IsOptional() @IsString() @Length(1, 2000) contentWarning?: string;

  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() replyTo?: string;
}

export class EditMessageRequest extends RoomCommandRequest {
  @ApiProperty({ format: 'uuid' }) @IsUUID() messageId!: string;
  @ApiProperty({ maxLength: 4000 }) @IsString() @Length(0, 20000) text!: string;
  @ApiPropertyOptional({ maxLength: 60 }) @IsOptional() @IsString() @Length(1, 2000) contentWarning?: string;
}

export class MessageRefRequest extends RoomCommandRequest {
  @ApiProperty({ format: 'uuid' }) @IsUUID() messageId!: string;
}

export class ReactionRequest extends MessageRefRequest {
  @ApiProperty({ maxLength: 16 }) @IsString() @CharLength(1, 16) emoji!: string;
}

export class MarkReadRequest extends RoomCommandRequest {
  @ApiProperty({ description: 'the global position of the last event read' }) @IsInt() @Min(0) position!: number;
}

export class ReadReceiptPrivacyRequest extends RoomCommandRequest {
  @ApiProperty() @IsBoolean() private!: boolean;
}

export class AwayNoticesRequest extends RoomCommandRequest {
  @ApiProperty({ description: "false: not told of this room's messages through the push gateway while away (default true)" }) @IsBoolean() on!: boolean;
}

/** Typing is an ephemeral signal, not a command: no commandId. */
export class TypingRequest {
  @ApiProperty({ format: 'uuid' }) @IsUUID() roomId!: string;
  @ApiProperty() @IsBoolean() typing!: boolean;
}

export class PresenceRequest {
  @ApiProperty({ format: 'uuid' }) @IsUUID() roomId!: string;
}
