import { Module } from '@nestjs/common';
import { MentoringController } from './edge/mentoring.controller';
import { MentoringGateway } from './edge/mentoring.gateway';
import { MentoringCommandsService } from './mentoring-commands.service';
import { MentoringProcessor } from './mentoring.processor';
import { MentorsSeen } from './mentors-seen';

/** Mentor pairing; the pair's private channel is a room of the rooms context (RoomsModule is global). */
@Module({
  controllers: [MentoringController],
  providers: [MentoringCommandsService, MentoringGateway, MentoringProcessor, MentorsSeen],
})
export class MentoringModule {}
