import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, handleCommand, type Clock } from '@haven/command-handling';
import type { Actor } from '@haven/domain';
import { STORAGE, type Storage } from '@haven/event-store';
import { READS_WINDOW_MINUTES, readsDecider, recordedRead, type ReadOfRecords } from './domain/reads.decider';
import { readsStreamName } from './domain/reads.events';

const WINDOW_MS = READS_WINDOW_MINUTES * 60_000;

/**
 * Records a staff read of others' records in the log before the answer leaves (PersonalDataRead). The command id is
 * the window and a digest of what was read, so the same read again within the window is a replay that appends nothing,
 * on any node; a queue that names someone new is a new read.
 */
@Injectable()
export class ReadsRecorder {
  constructor(
    @Inject(STORAGE) private readonly storage: Storage,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async record(actor: Actor, read: ReadOfRecords): Promise<void> {
    const recorded = recordedRead(actor, read);
    if (!recorded) return;
    const now = this.clock.now();
    const digest = createHash('sha256').update(JSON.stringify(recorded)).digest('base64url');
    const commandId = `read:${Math.floor(now.getTime() / WINDOW_MS)}:${digest}`;
    const context = { actor, commandId, now: now.toISOString() };
    await handleCommand(this.storage.events, readsDecider, readsStreamName(actor.userId), { type: 'RecordRead', data: recorded, context });
  }
}
