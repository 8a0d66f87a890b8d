import { Global, Module } from '@nestjs/common';
import { HELD_MESSAGE_RELEASE } from '@haven/safety/conversation-port';
import { RoomHeldMessageRelease } from './safety/room-held-message.release';
import { ModerationController } from './edge/moderation.controller';
import { MyRoomsController } from './edge/my-rooms.controller';
import { RoomsController } from './edge/rooms.controller';
import { RoomsGateway } from './edge/rooms.gateway';
import { MuteExpiryProcessor } from './mute-expiry.processor';
import { RoomCommandsService } from './room-commands.service';
import { RoomSignalsService } from './room-signals.service';
import { RoomActivityLimits } from './room-activity-limits';
import { HiddenPeopleGateway } from './hidden-people/hidden-people.gateway';
import { HiddenPeopleService } from './hidden-people/hidden-people.service';
import { NoticePreferencesController } from './notice-preferences/notice-preferences.controller';
import { NoticePreferencesGateway } from './notice-preferences/notice-preferences.gateway';
import { NoticePreferencesService } from './notice-preferences/notice-preferences.service';
import { PresencePrivacyController } from './presence-privacy/presence-privacy.controller';
import { PresencePrivacyGateway } from './presence-privacy/presence-privacy.gateway';

/** Global so the safety module can reach the room's HELD_MESSAGE_RELEASE without an import cycle. */
@Global()
@Module({
  controllers: [RoomsController, ModerationController, MyRoomsController, NoticePreferencesController, PresencePrivacyController],
  providers: [
    RoomCommandsService,
    RoomSignalsService,
    RoomActivityLimits,
    MuteExpiryProcessor,
    RoomsGateway,
    HiddenPeopleService,
    HiddenPeopleGateway,
    NoticePreferencesService,
    NoticePreferencesGateway,
    PresencePrivacyGateway,
    { provide: HELD_MESSAGE_RELEASE, useClass: RoomHeldMessageRelease },
  ],
  exports: [RoomCommandsService, RoomActivityLimits, HELD_MESSAGE_RELEASE],
})
export class RoomsModule {}
