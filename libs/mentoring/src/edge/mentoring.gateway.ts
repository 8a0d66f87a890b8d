import { UseFilters } from '@nestjs/common';
import { ConnectedSocket, MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import type { Socket } from 'socket.io';
import { derivedId } from '@haven/command-handling';
import { DomainError, type Actor } from '@haven/domain';
import { WsExceptionFilter } from '@haven/edge';
import { socketActor } from '@haven/identity';
import type { ConversationRef } from '@haven/safety/domain/safety-alert.events';
import { SafetyService } from '@haven/safety/safety.service';
import { MentoringCommandsService } from '../mentoring-commands.service';
import { EndPairingRequest, PairingFeedbackRequest, MentorRequestRefRequest, RematchRequest, RequestMentorRequest, SetMentorAwayRequest, SetMentorCapacityRequest, SetMentorLanguagesRequest, SetMentorTopicsRequest } from './mentoring.requests';

const actorOf = (socket: Socket): Actor => socketActor(socket)!;
const ok = async <T>(work: Promise<T>) => ({ ok: true as const, data: await work });

/** Stored requests and rematches go to every mentor: a cancel-and-ask-again loop would flood them all. Per user, per node. */
export const MENTOR_REQUESTS_PER_HOUR = 10;

/** Mentor pairing over socket.io; live events arrive on `event`. See docs/PROTOCOL.md, "Mentor pairing". */
@WebSocketGateway()
@UseFilters(new WsExceptionFilter())
export class MentoringGateway {
  private readonly requestLimiter = new RateLimiterMemory({ points: MENTOR_REQUESTS_PER_HOUR, duration: 3600 });

  constructor(
    private readonly mentoring: MentoringCommandsService,
    private readonly safety: SafetyService,
  ) {}

  /**
   * Crisis words in a note or reason: staff on call are alerted and the writer gets help in the ack. Screened before
   * anything else, so help comes also when the command is then refused.
   */
  private screen(actor: Actor, text: string | undefined, commandId: string) {
    // staff ending a pairing are not its subject; their words reach clinicians as the reason itself
    if (!text || (actor.role !== 'participant' && actor.role !== 'mentor')) return Promise.resolve(null);
    const conversation: ConversationRef = { kind: 'mentoring', id: actor.userId };
    return this.safety.alertIfFlagged(actor, conversation, text, commandId, 'mentoring_text');
  }

  /** Refuses once the user's stored requests this hour are used up; a refused or repeated command does not count. */
  private async limitRequests(actor: Actor): Promise<void> {
    const used = await this.requestLimiter.get(actor.userId);
    if (used && used.remainingPoints <= 0) {
      throw new DomainError('MENTORING.RATE_LIMITED', `at most ${MENTOR_REQUESTS_PER_HOUR} mentor requests an hour; wait and retry`, {
        retryAfterMs: used.msBeforeNext,
      });
    }
  }

  private async countRequest(actor: Actor, ack: { position: number | null; replayed: boolean }): Promise<void> {
    if (ack.position !== null && !ack.replayed) await this.requestLimiter.penalty(actor.userId, 1);
  }

  @SubscribeMessage('mentoring.request')
  async request(@ConnectedSocket() s: Socket, @MessageBody() { commandId, requestId, topics, language, availability, note }: RequestMentorRequest) {
    const actor = actorOf(s);
    const help = await this.screen(actor, note, commandId);
    await this.limitRequests(actor);
    const id = requestId ?? derivedId(actor, commandId, 'mentor-request');
    // a note in crisis words never goes out to every mentor: the request goes on without it, and staff reach out
    const requested = await this.mentoring.request(actor, id, { topics, language, availability, note: help ? null : (note ?? null) }, commandId);
    await this.countRequest(actor, requested);
    return { ok: true as const, data: help ? { ...requested, noteWithheld: true, help } : requested };
  }

  @SubscribeMessage('mentoring.cancel')
  cancel(@ConnectedSocket() s: Socket, @MessageBody() { commandId, requestId }: MentorRequestRefRequest) {
    return ok(this.mentoring.cancel(actorOf(s), requestId, commandId));
  }

  @SubscribeMessage('mentoring.accept')
  accept(@ConnectedSocket() s: Socket, @MessageBody() { commandId, requestId }: MentorRequestRefRequest) {
    return ok(this.mentoring.accept(actorOf(s), requestId, commandId));
  }

  @SubscribeMessage('mentoring.decline')
  decline(@ConnectedSocket() s: Socket, @MessageBody() { commandId, requestId }: MentorRequestRefRequest) {
    return ok(this.mentoring.decline(actorOf(s), requestId, commandId));
  }

  @SubscribeMessage('mentoring.setLanguages')
  setLanguages(@ConnectedSocket() s: Socket, @MessageBody() { commandId, languages }: SetMentorLanguagesRequest) {
    return ok(this.mentoring.setLanguages(actorOf(s), languages, commandId));
  }

  @SubscribeMessage('mentoring.setTopics')
  setTopics(@ConnectedSocket() s: Socket, @MessageBody() { commandId, topics }: SetMentorTopicsRequest) {
    return ok(this.mentoring.setTopics(actorOf(s), topics, commandId));
  }

  @SubscribeMessage('mentoring.setAway')
  setAway(@ConnectedSocket() s: Socket, @MessageBody() { commandId, away, until }: SetMentorAwayRequest) {
    return ok(this.mentoring.setAway(actorOf(s), away, until ?? null, commandId));
  }

  @SubscribeMessage('mentoring.setCapacity')
  setCapacity(@ConnectedSocket() s: Socket, @MessageBody() { commandId, pairs }: SetMentorCapacityRequest) {
    return ok(this.mentoring.setCapacity(actorOf(s), pairs, commandId));
  }

  @SubscribeMessage('mentoring.end')
  async end(@ConnectedSocket() s: Socket, @MessageBody() { commandId, pairingId, reason }: EndPairingRequest) {
    const actor = actorOf(s);
    const help = await this.screen(actor, reason, commandId);
    const ended = await this.mentoring.end(actor, pairingId, reason ?? null, commandId);
    return { ok: true as const, data: help ? { ...ended, help } : ended };
  }

  @SubscribeMessage('mentoring.feedback')
  async feedback(@ConnectedSocket() s: Socket, @MessageBody() { commandId, pairingId, rating, note }: PairingFeedbackRequest) {
    const actor = actorOf(s);
    const help = await this.screen(actor, note, commandId);
    const given = await this.mentoring.feedback(actor, pairingId, rating, note ?? null, commandId);
    return { ok: true as const, data: help ? { ...given, help } : given };
  }

  @SubscribeMessage('mentoring.rematch')
  async rematch(@ConnectedSocket() s: Socket, @MessageBody() { commandId, pairingId, requestId, reason }: RematchRequest) {
    const actor = actorOf(s);
    const help = await this.screen(actor, reason, commandId);
    await this.limitRequests(actor);
    const id = requestId ?? derivedId(actor, commandId, 'mentor-request');
    const rematched = await this.mentoring.rematch(actor, pairingId, id, reason ?? null, commandId);
    await this.countRequest(actor, rematched);
    return { ok: true as const, data: help ? { ...rematched, help } : rematched };
  }
}
