import { Injectable, type OnModuleInit } from '@nestjs/common';
import { noteFirstArrivals, RealtimeGateway } from '@haven/realtime';
import { MentoringCommandsService } from './mentoring-commands.service';

/**
 * A mentor who has set nothing, paired with nobody and declined nothing was unknown here, so never told of requests
 * while away: at a mentor's first connection MentorSeen is noted (the profile's decider appends it only to a profile
 * holding nothing).
 */
@Injectable()
export class MentorsSeen implements OnModuleInit {
  constructor(
    private readonly gateway: RealtimeGateway,
    private readonly commands: MentoringCommandsService,
  ) {}

  onModuleInit(): void {
    noteFirstArrivals(this.gateway, 'mentor', (actor) => this.commands.noteSeen(actor));
  }
}
