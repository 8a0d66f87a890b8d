import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { AfterPageQuery } from '@haven/edge';

export class ReportsQuery extends AfterPageQuery {
  @ApiPropertyOptional({ enum: ['open', 'resolved'] })
  @IsOptional() @IsIn(['open', 'resolved']) status?: 'open' | 'resolved';
}
