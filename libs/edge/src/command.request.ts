import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length, Matches } from 'class-validator';

/** Every command carries a client-chosen id: sending the same id again returns the first result and appends nothing. */
export class CommandRequest {
  @ApiProperty({ description: 'client-chosen idempotency key, unique per user (a UUID is a good choice)', example: '5b0d7c1e-1f1a-4c1b-9b8a-8f4e1f7b2a10' })
  @IsString()
  @Length(1, 100)
  @Matches(/^[A-Za-z0-9._:-]+$/, { message: 'commandId may hold letters, digits and . _ : - only' })
  commandId!: string;
}
