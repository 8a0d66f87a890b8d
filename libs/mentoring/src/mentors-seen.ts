import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { Actor } from '@haven/domain';
import { RealtimeGateway } from '@haven/realtime';
import { MentoringCommandsService } from './mentoring-commands.service';

/** how many mentors a node remembers having noted; past it, it forgets them all and notes again (appending nothing) */
const REMEMBERED = 10_000;

/**
 * Haven learns of a clinic's mentors as they connect: the identity provider holds the list, and a mentor who has set
 * nothing, paired with nobody and declined nothing was unknown here, so never told of requests while away. At a mentor's
 * first connection to a node, before the socket is attached, MentorSeen is noted (once per mentor in the log: the
 * profile's decider appends it only to a profile holding nothing), so the socket's `ready.position` covers it. A node
 * remembers whom it noted, so a mentor's later connections cost nothing.
 */
@Injectable()
export class MentorsSeen implements OnModuleInit {
  private readonly logger = new Logger(MentorsSeen.name);
  private readonly noted = new Set<string>();

  constructor(
    private readonly gateway: RealtimeGateway,
    private readonly commands: MentoringCommandsService,
  ) {}

  onModuleInit(): void {
    this.gateway.onArrival((actor) => this.arrived(actor));
  }

  private async arrived(actor: Actor): Promise<void> {
    if (actor.role !== 'mentor' || this.noted.has(actor.userId)) return;
    try {
      await this.commands.noteSeen(actor);
      if (this.noted.size >= REMEMBERED) this.noted.clear();
      this.noted.add(actor.userId);
    } catch (error) {
      // noted again at their next connection
      this.logger.warn({ msg: 'a mentor could not be noted as seen', error: error instanceof Error ? error.name : 'error' });
    }
  }
}
