import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsDefined, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Length, Max, Min, ValidateIf } from 'class-validator';
import { CommandRequest } from '@haven/rooms/edge/command.request';

// Coarse bounds here; the exact rules (trimmed lengths, at most 5 distinct topics, a language tag) are the decider's,
// which answers MENTORING.INVALID_REQUEST naming the field.

export class RequestMentorRequest extends CommandRequest {
  @ApiPropertyOptional({ format: 'uuid', description: 'defaults to an id derived from commandId' })
  @IsOptional() @IsUUID() requestId?: string;

  @ApiProperty({ type: [String], description: '1 to 5 topics, each up to 40 characters', example: ['sleep', 'returning to work'] })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(20) @IsString({ each: true }) @Length(0, 400, { each: true }) topics!: string[];

  @ApiProperty({ description: 'a BCP 47 language tag', example: 'en' }) @IsString() @Length(1, 35) language!: string;

  @ApiProperty({ maxLength: 200, example: 'weekday evenings' }) @IsString() @Length(0, 2000) availability!: string;

  @ApiPropertyOptional({ maxLength: 500, description: 'screened for crisis language before any mentor sees it' })
  @IsOptional() @IsString() @Length(0, 5000) note?: string;
}

export class PairingFeedbackRequest extends CommandRequest {
  @ApiProperty({ format: 'uuid' }) @IsUUID() pairingId!: string;
  @ApiProperty({ minimum: 1, maximum: 5, description: '1 (not helpful) to 5 (very helpful)' }) @IsInt() @Min(1) @Max(5) rating!: number;
  @ApiPropertyOptional({ maxLength: 500, description: 'for the clinicians who supervise mentors, never shown to the mentor; screened for crisis language' })
  @IsOptional() @IsString() @Length(0, 5000) note?: string;
}

/** GET /mentoring/feedback: one mentor's, or everyone's */
export class FeedbackQuery {
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 200) mentorId?: string;
}

export class MentorRequestRefRequest extends CommandRequest {
  @ApiProperty({ format: 'uuid' }) @IsUUID() requestId!: string;
}

export class EndPairingRequest extends CommandRequest {
  @ApiProperty({ format: 'uuid' }) @IsUUID() pairingId!: string;
  @ApiPropertyOptional({ maxLength: 500, description: 'shown to clinicians, not to the other person' })
  @IsOptional() @IsString() @Length(0, 5000) reason?: string;
}

export class RematchRequest extends EndPairingRequest {
  @ApiPropertyOptional({ format: 'uuid', description: "the new request's id; defaults to one derived from commandId" })
  @IsOptional() @IsUUID() requestId?: string;
}

export class SetMentorTopicsRequest extends CommandRequest {
  @ApiProperty({ type: [String], description: 'up to 20 topics the mentor is glad to mentor on, each up to 40 characters; an empty list clears them', example: ['sleep', 'grief'] })
  @IsArray() @ArrayMaxSize(100) @IsString({ each: true }) @Length(0, 400, { each: true }) topics!: string[];
}

export class SetMentorLanguagesRequest extends CommandRequest {
  @ApiProperty({ type: [String], description: 'up to 10 BCP 47 language tags; an empty list means every language', example: ['en', 'es'] })
  @IsArray() @ArrayMaxSize(50) @IsString({ each: true }) @Length(1, 35, { each: true }) languages!: string[];
}

export class SetMentorAwayRequest extends CommandRequest {
  @ApiProperty({ description: 'true: step back, offered no request until you come back or until `until`; false: come back now' })
  @IsBoolean() away!: boolean;

  @ApiPropertyOptional({ format: 'date-time', description: 'with away: true, when the system brings you back (within 365 days); omitted: when you say so', example: '2027-01-15T09:00:00Z' })
  @IsOptional() @IsISO8601({ strict: true, strictSeparator: true }) until?: string;
}

export class SetMentorCapacityRequest extends CommandRequest {
  @ApiProperty({ type: Number, nullable: true, minimum: 1, maximum: 20, description: 'the most people you mentor at once (the clinic limit holds when lower); null: as many as the clinic allows' })
  @IsDefined()
  @ValidateIf((_, value) => value !== null)
  @IsInt()
  @Min(1)
  @Max(20)
  pairs!: number | null;
}
