import { Module } from '@nestjs/common';
import { RoomsController } from './edge/rooms.controller';
import { RoomsGateway } from './edge/rooms.gateway';
import { MuteExpiryProcessor } from './mute-expiry.processor';
import { RoomCommandsService } from './room-commands.service';
import { RoomSignalsService } from './room-signals.service';

@Module({
  controllers: [RoomsController],
  providers: [RoomCommandsService, RoomSignalsService, MuteExpiryProcessor, RoomsGateway],
  exports: [RoomCommandsService],
})
export class RoomsModule {}
