import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, commandAck, handleCommand, type Clock, type CommandResult } from '@haven/command-handling';
import type { Actor } from '@haven/domain';
import { STORAGE, type RecordedEvent, type Storage } from '@haven/event-store';
import { LogFollower } from '@haven/realtime';
import { personDecider, type PersonCommand } from './domain/person.decider';
import { personStreamName, type PersonalDataErased, type PersonalDataExported, type PersonEvent } from './domain/person.events';
import { PERSONAL_DATA, type PersonalData } from './personal-data';
import { eventsAbout } from './person-export';

/** What admins do about a person as a whole: erase or export their data, suspend or reinstate their access. Each is recorded in `person-<userId>` first. */
@Injectable()
export class PeopleService {
  constructor(
    @Inject(STORAGE) private readonly storage: Storage,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(PERSONAL_DATA) private readonly personalData: PersonalData,
    private readonly follower: LogFollower,
  ) {}

  /**
   * Records PersonalDataErased with the keys in use, then deletes their secrets. Every other node drops the keys when
   * the event reaches it (PersonalData.observe), and deletes them too should this node stop in between.
   */
  async erase(actor: Actor, userId: string, commandId: string) {
    const keyIds = await this.personalData.keyIdsOf(userId);
    const result = await this.run(actor, commandId, { type: 'ErasePersonalData', data: { userId, keyIds } });
    // a repeated command id erases the keys its first run named, again
    const erased = dataOf<PersonalDataErased>(result.events, 'PersonalDataErased');
    if (erased) await this.personalData.eraseKeys(erased.keyIds, erased.erasedAt);
    return { ...commandAck(result), userId, keysErased: erased?.keyIds.length ?? 0 };
  }

  /**
   * Records PersonalDataExported through the log's head, then reads every event up to there that the person did or is
   * named in, opened (what was erased stays null). The whole log is read: an admin's rare request, not a reader's.
   */
  async export(actor: Actor, userId: string, commandId: string) {
    const head = await this.storage.events.headPosition();
    const result = await this.run(actor, commandId, { type: 'ExportPersonalData', data: { userId, throughPosition: head } });
    const exported = dataOf<PersonalDataExported>(result.events, 'PersonalDataExported');
    const throughPosition = exported?.throughPosition ?? head;
    const events = await this.personalData.reveal(await eventsAbout(this.storage.events, userId, throughPosition));
    return { ...commandAck(result), userId, throughPosition, exportedAt: exported?.exportedAt ?? null, events };
  }

  /**
   * Suspends a person's access: recorded first, then every node refuses their tokens (identity's verifier reads
   * access_suspensions) and ends their open connections when the event reaches it. Acked once this node has done so.
   */
  async suspend(actor: Actor, userId: string, reason: string, commandId: string) {
    return this.acked(await this.run(actor, commandId, { type: 'SuspendAccess', data: { userId, reason } }), userId);
  }

  async reinstate(actor: Actor, userId: string, commandId: string) {
    return this.acked(await this.run(actor, commandId, { type: 'ReinstateAccess', data: { userId } }), userId);
  }

  /** The person asks for their own data to be erased; an admin answers (erase). Asking again while it is open changes nothing. */
  async requestErasure(actor: Actor, commandId: string) {
    return this.acked(await this.run(actor, commandId, { type: 'RequestErasure', data: { userId: actor.userId } }), actor.userId);
  }

  async withdrawErasureRequest(actor: Actor, commandId: string) {
    return this.acked(await this.run(actor, commandId, { type: 'WithdrawErasureRequest', data: { userId: actor.userId } }), actor.userId);
  }

  /** Notes an admin at their connection, once per admin (AdminSeen); the command id is the admin's, so nodes append it once. */
  async noteAdminSeen(actor: Actor): Promise<void> {
    await this.follower.whenDelivered(await this.run(actor, `admin-seen:${actor.userId}`, { type: 'NoteAdminSeen', data: { userId: actor.userId } }));
  }

  private async acked(result: CommandResult, userId: string) {
    return { ...commandAck(await this.follower.whenDelivered(result)), userId };
  }

  private run(actor: Actor, commandId: string, command: Omit<PersonCommand, 'context'>) {
    const context = { actor, commandId, now: this.clock.now().toISOString() };
    return handleCommand(this.storage.events, personDecider, personStreamName(command.data.userId), { ...command, context } as PersonCommand);
  }
}

/** the data of the command's event of this type (for a repeated command id: the first run's) */
function dataOf<E extends PersonEvent>(events: RecordedEvent[], type: E['type']): E['data'] | undefined {
  return events.find((event) => event.type === type)?.data as E['data'] | undefined;
}
