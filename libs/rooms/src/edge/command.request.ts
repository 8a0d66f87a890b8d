import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';
import { CommandRequest } from '@haven/edge';

export { CommandRequest };

export class RoomCommandRequest extends CommandRequest {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  roomId!: string;
}
