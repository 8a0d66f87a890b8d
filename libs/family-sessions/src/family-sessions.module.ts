import { Module } from '@nestjs/common';
import { FamilyInvitesController, FamilySessionsController } from './edge/family-sessions.controller';
import { FamilySessionsGateway } from './edge/family-sessions.gateway';
import { FamilySessionProcessor } from './family-session.processor';
import { FamilySessionsService } from './family-sessions.service';

/** Family sessions; the session's conversation is a room of the rooms context (RoomsModule is global). */
@Module({
  controllers: [FamilyInvitesController, FamilySessionsController],
  providers: [FamilySessionsService, FamilySessionsGateway, FamilySessionProcessor],
})
export class FamilySessionsModule {}
