import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { CommandRequest } from '@haven/edge';

export class HidePersonRequest extends CommandRequest {
  @ApiProperty({ description: 'the participant or mentor whose words you stop reading in group rooms (or read again)', maxLength: 200 })
  @IsString()
  @Length(1, 200)
  userId!: string;
}
