import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { deadlinePollMs, startDeadlinePoller } from '@haven/command-handling';
import { STORAGE, type Storage } from '@haven/event-store';
import { MentoringCommandsService } from './mentoring-commands.service';
import { duePairRooms } from './read-models/mentoring.projection';

/**
 * Opens and closes pair rooms that the command path did not (a node that stopped between the pairing's event and its
 * room's command). The room commands carry ids derived from the pairing, so nodes doing it at once append it once.
 */
@Injectable()
export class PairRoomProcessor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(PairRoomProcessor.name);
  private poller?: { stop(): void };

  constructor(
    @Inject(STORAGE) private readonly storage: Storage,
    private readonly mentoring: MentoringCommandsService,
  ) {}

  onApplicationBootstrap(): void {
    this.poller = startDeadlinePoller({
      intervalMs: deadlinePollMs(),
      due: () => duePairRooms(this.storage.sql),
      fire: ({ action, pairing }) => (action === 'open' ? this.mentoring.openPairRoom(pairing) : this.mentoring.closePairRoom(pairing)),
      onError: (name) => this.logger.error(`pair room step failed: ${name}`),
    });
  }

  onApplicationShutdown(): void {
    this.poller?.stop();
  }
}
