import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { CLOCK, commandAck, derivedId, handleCommand, type Clock, type CommandResult } from '@haven/command-handling';
import { isOverseer, SYSTEM_ACTOR, type Actor } from '@haven/domain';
import { STORAGE, type Storage } from '@haven/event-store';
import { LogFollower } from '@haven/realtime';
import { hiddenMentorsOf, hides, pairRoomIdOf, RoomCommandsService } from '@haven/rooms';
import { mentorProfileDecider, mentorProfileStreamName, type MentorProfileCommand } from './domain/mentor-profile';
import { mentoringDecider } from './domain/mentoring.decider';
import type { MentoringCommand, MentorPreferences } from './domain/mentoring.commands';
import { MentoringErrors } from './domain/mentoring.errors';
import { menteeStreamName } from './domain/mentoring.events';
import { activePairingCount, capacityOf, findPairing, findRequest, type PairingRow } from './read-models/mentoring.projection';


/**
 * Runs mentoring commands on the participant's stream, then opens or closes the pair's room in the rooms context (as
 * the system, with a command id derived from the pairing, so any node doing it again appends nothing). If that step
 * fails, the pair-room processor does it from the read model. Acks wait until this node has projected and delivered.
 */
@Injectable()
export class MentoringCommandsService {
  private readonly logger = new Logger(MentoringCommandsService.name);
  private readonly maxActivePairings: number;
  /** how long a request stays open for mentors before the system closes it (MENTOR_REQUEST_OPEN_HOURS) */
  readonly requestOpenForSeconds: number;
  /** how long an open request waits before the participant's care team is told nobody took it (MENTOR_REQUEST_UNANSWERED_HOURS) */
  readonly requestUnansweredAfterSeconds: number;

  constructor(
    @Inject(STORAGE) private readonly storage: Storage,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly follower: LogFollower,
    private readonly rooms: RoomCommandsService,
    @Optional() config?: ConfigService,
  ) {
    this.maxActivePairings = Number(config?.get('MENTOR_MAX_ACTIVE_PAIRINGS') ?? 3);
    this.requestOpenForSeconds = Number(config?.get('MENTOR_REQUEST_OPEN_HOURS') ?? 168) * 3600;
    this.requestUnansweredAfterSeconds = Number(config?.get('MENTOR_REQUEST_UNANSWERED_HOURS') ?? 24) * 3600;
  }

  /** Tells the care team, once, that nobody took a request; the command id is derived from it, as expiry's. */
  async noticeUnanswered(r: { requestId: string; participantId: string }): Promise<void> {
    await this.run(SYSTEM_ACTOR, `unanswered:${r.requestId}`, {
      type: 'NoticeUnansweredRequest',
      data: { participantId: r.participantId, requestId: r.requestId, unansweredAfterSeconds: this.requestUnansweredAfterSeconds },
    });
  }

  /** Closes a request nobody took in time; the command id is derived from it, so nodes doing it at once append it once. */
  async expireRequest(r: { requestId: string; participantId: string }): Promise<void> {
    await this.run(SYSTEM_ACTOR, `expire:${r.requestId}`, {
      type: 'ExpireMentorRequest',
      data: { participantId: r.participantId, requestId: r.requestId, openForSeconds: this.requestOpenForSeconds },
    });
  }

  async request(actor: Actor, requestId: string, preferences: MentorPreferences, commandId: string) {
    const hiddenMentors = await hiddenMentorsOf(this.storage.sql, actor.userId);
    const result = await this.run(actor, commandId, { type: 'RequestMentor', data: { participantId: actor.userId, requestId, hiddenMentors, ...preferences } });
    return { ...commandAck(result), requestId: storedField(result, 'requestId', requestId) };
  }

  async cancel(actor: Actor, requestId: string, commandId: string) {
    const participantId = await this.participantOfRequest(actor, requestId);
    return commandAck(await this.run(actor, commandId, { type: 'CancelMentorRequest', data: { participantId, requestId } }));
  }

  async accept(actor: Actor, requestId: string, commandId: string) {
    const request = await findRequest(this.storage.sql, requestId);
    if (!request) throw MentoringErrors.requestNotFound(requestId);
    // a mentor who hides the participant was never offered the request (the delivery's rule, which the participant does
    // not read, so the decider, which sees only the participant's stream, cannot know it)
    if (await hides(this.storage.sql, actor.userId, request.participantId)) throw MentoringErrors.excluded(requestId);
    // one pairing per request, whoever accepts it: racing mentors name the same pairing, and the stream decides who got it
    const pairingId = derivedId(SYSTEM_ACTOR, requestId, 'pairing');
    await this.requireRoomForAnother(actor, pairingId);
    const roomId = pairRoomIdOf(pairingId);
    const result = await this.run(actor, commandId, {
      type: 'AcceptMentorRequest',
      data: { participantId: request.participantId, requestId, pairingId, roomId },
    });
    await this.openPairRoom({ pairingId, roomId, participantId: request.participantId, mentorId: actor.userId });
    return { ...commandAck(result), pairingId, roomId, participantId: request.participantId };
  }

  async decline(actor: Actor, requestId: string, commandId: string) {
    const request = await findRequest(this.storage.sql, requestId);
    if (!request) throw MentoringErrors.requestNotFound(requestId);
    return commandAck(await this.run(actor, commandId, { type: 'DeclineMentorRequest', data: { participantId: request.participantId, requestId } }));
  }

  async end(actor: Actor, pairingId: string, reason: string | null, commandId: string) {
    const pairing = await this.pairingFor(actor, pairingId);
    const result = await this.run(actor, commandId, { type: 'EndPairing', data: { participantId: pairing.participantId, pairingId, reason } });
    await this.closePairRoom(pairing);
    return commandAck(result);
  }

  async rematch(actor: Actor, pairingId: string, requestId: string, reason: string | null, commandId: string) {
    const pairing = await this.pairingFor(actor, pairingId);
    const hiddenMentors = await hiddenMentorsOf(this.storage.sql, pairing.participantId);
    const result = await this.run(actor, commandId, { type: 'RequestRematch', data: { participantId: pairing.participantId, pairingId, requestId, reason, hiddenMentors } });
    await this.closePairRoom(pairing);
    const requested = result.events.find((e) => e.type === 'MentorRequested');
    return { ...commandAck(result), requestId: typeof requested?.data.requestId === 'string' ? requested.data.requestId : requestId };
  }

  /** The participant's feedback on a pairing, active or ended; the decider lets only them give it, once. */
  async feedback(actor: Actor, pairingId: string, rating: number, note: string | null, commandId: string) {
    const pairing = await this.pairingFor(actor, pairingId);
    return commandAck(await this.run(actor, commandId, { type: 'GivePairingFeedback', data: { participantId: pairing.participantId, pairingId, rating, note } }));
  }

  /** A mentor's languages (an empty list: every language); requests in others stop reaching them from now on. */
  async setLanguages(actor: Actor, languages: string[], commandId: string) {
    return this.runProfile(actor, commandId, { type: 'SetMentorLanguages', data: { mentorId: actor.userId, languages } });
  }

  /** The topics a mentor is glad to mentor on (an empty list: none); they rank requests for them, and choose nothing. */
  async setTopics(actor: Actor, topics: string[], commandId: string) {
    return this.runProfile(actor, commandId, { type: 'SetMentorTopics', data: { mentorId: actor.userId, topics } });
  }

  /**
   * A mentor steps back (`away: true`, until `until` or until they come back) or comes back (`away: false`): while away
   * they are offered no request, live, on catch-up or in their list.
   */
  async setAway(actor: Actor, away: boolean, until: string | null, commandId: string) {
    return this.runProfile(actor, commandId, { type: 'SetMentorAway', data: { mentorId: actor.userId, away, until } });
  }

  /**
   * Notes that a mentor connected, once per mentor (MentorSeen, only while their profile holds nothing): Haven then
   * tells them of requests while they are away. The command id is the mentor's, so nodes doing it at once append it once.
   */
  async noteSeen(actor: Actor): Promise<void> {
    await this.runProfile(actor, `mentor-seen:${actor.userId}`, { type: 'NoteMentorSeen', data: { mentorId: actor.userId } });
  }

  /** Brings a mentor back at the time they gave; the command id is derived from it, so nodes doing it at once append it once. */
  async endAway(a: { mentorId: string; until: string }): Promise<void> {
    await this.runProfile(SYSTEM_ACTOR, `away-end:${a.mentorId}:${a.until}`, { type: 'EndMentorAway', data: a });
  }

  private async runProfile(actor: Actor, commandId: string, command: Omit<MentorProfileCommand, 'context'>) {
    const full = { ...command, context: { actor, commandId, now: this.clock.now().toISOString() } } as MentorProfileCommand;
    return commandAck(await this.follower.whenDelivered(await handleCommand(this.storage.events, mentorProfileDecider, mentorProfileStreamName(full.data.mentorId), full)));
  }

  /** Opens the pair's room; idempotent (the same command id from any node, any number of times). */
  async openPairRoom(p: Pick<PairingRow, 'pairingId' | 'roomId' | 'participantId' | 'mentorId'>): Promise<void> {
    await this.roomStep(() =>
      this.rooms.execute('OpenPairRoom', { roomId: p.roomId, pairingId: p.pairingId, participantId: p.participantId, mentorId: p.mentorId }, SYSTEM_ACTOR, `pair-room-open:${p.pairingId}`),
    );
  }

  /** Closes (archives) the pair's room: its history stays readable to the pair, nothing more can be said in it. */
  async closePairRoom(p: Pick<PairingRow, 'pairingId' | 'roomId'>): Promise<void> {
    await this.roomStep(() => this.rooms.execute('ClosePairRoom', { roomId: p.roomId }, SYSTEM_ACTOR, `pair-room-close:${p.pairingId}`));
  }

  /** A failed room step is left to the processor: the pairing's event is stored, and the ack says what was decided. */
  private async roomStep(step: () => Promise<unknown>): Promise<void> {
    try {
      await step();
    } catch (error) {
      this.logger.warn(`pair room step failed, the processor will retry: ${(error as Error).name}`);
    }
  }

  /**
   * A mentor's active pairings live in many participants' streams, so their number is read from the read model: two
   * accepts at the same moment may take a mentor one past it. A retried accept of a pairing they have is let through.
   */
  private async requireRoomForAnother(actor: Actor, pairingId: string): Promise<void> {
    if (actor.role !== 'mentor') return; // the decider refuses it
    const limit = this.pairLimit(await capacityOf(this.storage.sql, actor.userId));
    if ((await activePairingCount(this.storage.sql, actor.userId)) < limit) return;
    const mine = await findPairing(this.storage.sql, pairingId);
    if (mine?.mentorId !== actor.userId || mine.status !== 'active') throw MentoringErrors.mentorAtCapacity(limit);
  }

  /** How many a mentor mentors at once, at most: the clinic's limit, or their own when lower. */
  private pairLimit(own: number | null): number {
    return Math.min(this.maxActivePairings, own ?? Infinity);
  }

  /**
   * A mentor says how many they can mentor at once (`pairs`, 1..20; null: as many as the clinic allows). Pairings they
   * have stay; they take no new one while at it.
   */
  async setCapacity(actor: Actor, pairs: number | null, commandId: string) {
    return this.runProfile(actor, commandId, { type: 'SetMentorCapacity', data: { mentorId: actor.userId, pairs } });
  }

  /** A mentor's own limit (`pairs`, null: none of their own), the one that holds (`limit`) and how many they mentor now. */
  async capacityFor(mentorId: string): Promise<{ pairs: number | null; limit: number; active: number }> {
    const pairs = await capacityOf(this.storage.sql, mentorId);
    return { pairs, limit: this.pairLimit(pairs), active: await activePairingCount(this.storage.sql, mentorId) };
  }

  /** Mentors and strangers learn nothing about a request that is not theirs to cancel. */
  private async participantOfRequest(actor: Actor, requestId: string): Promise<string> {
    if (!isOverseer(actor.role)) return actor.userId;
    const request = await findRequest(this.storage.sql, requestId);
    if (!request) throw MentoringErrors.requestNotFound(requestId);
    return request.participantId;
  }

  private async pairingFor(actor: Actor, pairingId: string): Promise<PairingRow> {
    const pairing = await findPairing(this.storage.sql, pairingId);
    // the decider checks the actor again on the stream; here a stranger is told only "not found"
    if (!pairing || !(isOverseer(actor.role) || actor.userId === pairing.participantId || actor.userId === pairing.mentorId)) {
      throw MentoringErrors.pairingNotFound(pairingId);
    }
    return pairing;
  }

  private async run(actor: Actor, commandId: string, command: Omit<MentoringCommand, 'context'>): Promise<CommandResult> {
    const full = { ...command, context: { actor, commandId, now: this.clock.now().toISOString() } } as MentoringCommand;
    return this.follower.whenDelivered(await handleCommand(this.storage.events, mentoringDecider, menteeStreamName(full.data.participantId), full));
  }
}

/** For a replayed command id, the id the first attempt stored, not the one the retry names. */
function storedField(result: CommandResult, field: string, fallback: string): string {
  const stored = result.events[0]?.data[field];
  return typeof stored === 'string' ? stored : fallback;
}
