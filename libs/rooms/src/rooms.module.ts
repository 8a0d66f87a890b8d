import { Module } from '@nestjs/common';
import { RoomsController } from './edge/rooms.controller';
import { RoomsGateway } from './edge/rooms.gateway';
import { RoomCommandsService } from './room-commands.service';

@Module({
  controllers: [RoomsController],
  providers: [RoomCommandsService, RoomsGateway],
  exports: [RoomCommandsService],
})
export class RoomsModule {}
