import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export class HistoryQuery {
  @ApiPropertyOptional({ description: 'messages before this global position (newest page when omitted)' })
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) before?: number;

  @ApiPropertyOptional({ description: 'messages after this global position (oldest first)' })
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) after?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200) limit?: number;
}
