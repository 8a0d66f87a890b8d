import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsObject, IsString, IsTimeZone, Matches, ValidateNested, ValidateIf } from 'class-validator';
import { CLOCK_TIME } from '@haven/domain';
import { CommandRequest } from '@haven/edge';

export class QuietHoursRequest {
  @ApiProperty({ description: 'when quiet starts, HH:MM on a 24-hour clock, in timeZone', example: '22:00' })
  @IsString()
  @Matches(CLOCK_TIME, { message: 'from must be a time of day as HH:MM (00:00 to 23:59)' })
  from!: string;

  @ApiProperty({ description: 'when quiet ends (not included), HH:MM; earlier than from spans midnight', example: '07:00' })
  @IsString()
  @Matches(CLOCK_TIME, { message: 'until must be a time of day as HH:MM (00:00 to 23:59)' })
  until!: string;

  @ApiProperty({ description: 'the IANA time zone the person lives in', example: 'America/Chicago' })
  @IsTimeZone()
  timeZone!: string;
}

export class NoticePreferencesRequest extends CommandRequest {
  @ApiProperty({ description: 'true: nothing is sent to your devices while you are away, about anything' })
  @IsBoolean()
  paused!: boolean;

  @ApiPropertyOptional({ type: QuietHoursRequest, nullable: true, description: 'hours of your day when nothing is sent; null or absent: none' })
  @ValidateIf((_, value) => value !== null && value !== undefined)
  // an array would pass ValidateNested as a list of none
  @IsObject()
  @ValidateNested()
  @Type(() => QuietHoursRequest)
  quietHours?: QuietHoursRequest | null;
}
