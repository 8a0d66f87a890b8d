import { ApiProperty } from '@nestjs/swagger';
import { IsInt, Min } from 'class-validator';

/** `sync`: send me every event after this position that I may see, then continue live. */
export class SyncRequestDto {
  @ApiProperty({ description: 'the last global position the client has seen; 0 for everything it may see' })
  @IsInt()
  @Min(0)
  after!: number;
}
