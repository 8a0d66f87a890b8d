import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/** At most this many entries in one page of a staff list (a queue, a log). */
export const STAFF_PAGE_LIMIT = 200;

/**
 * A page of a list kept in log order, oldest first: the entries after `after` (a position from the last page), at
 * most `limit`. A queue that grows for years is read in pages, and so is the record of who read it.
 */
export class AfterPageQuery {
  @ApiPropertyOptional({ description: 'entries after this position (the last `position` of the page before), oldest first' })
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) after?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: STAFF_PAGE_LIMIT, default: STAFF_PAGE_LIMIT })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(STAFF_PAGE_LIMIT) limit?: number;
}

/** The page a query asks for, with the defaults filled in. */
export const pageOf = (query: AfterPageQuery): { after: number; limit: number } => ({ after: query.after ?? 0, limit: query.limit ?? STAFF_PAGE_LIMIT });
