import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, commandAck, handleCommand, type Clock } from '@haven/command-handling';
import type { Actor } from '@haven/domain';
import { STORAGE, type Storage } from '@haven/event-store';
import { erasureDecider } from './domain/erasure.decider';
import { personStreamName, type PersonalDataErased } from './domain/erasure.events';
import { PERSONAL_DATA, type PersonalData } from './personal-data';

/**
 * Erases a person: records PersonalDataErased with the keys in use, then deletes their secrets. Every other node drops
 * the keys when the event reaches it (PersonalData.observe), and deletes them too should this node stop in between.
 */
@Injectable()
export class ErasureService {
  constructor(
    @Inject(STORAGE) private readonly storage: Storage,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(PERSONAL_DATA) private readonly personalData: PersonalData,
  ) {}

  async erase(actor: Actor, userId: string, commandId: string) {
    const keyIds = await this.personalData.keyIdsOf(userId);
    const result = await handleCommand(this.storage.events, erasureDecider, personStreamName(userId), {
      type: 'ErasePersonalData',
      data: { userId, keyIds },
      context: { actor, commandId, now: this.clock.now().toISOString() },
    });
    // a repeated command id erases the keys its first run named, again
    const erased = result.events.find((event) => event.type === 'PersonalDataErased') as unknown as { data: PersonalDataErased['data'] } | undefined;
    if (erased) await this.personalData.eraseKeys(erased.data.keyIds, erased.data.erasedAt);
    return { ...commandAck(result), userId, keysErased: erased?.data.keyIds.length ?? 0 };
  }
}
