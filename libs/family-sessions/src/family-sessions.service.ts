import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { CLOCK, commandAck, derivedId, handleCommand, type Clock, type CommandResult } from '@haven/command-handling';
import { DomainError, isOverseer, SYSTEM_ACTOR, type Actor } from '@haven/domain';
import { STORAGE, type Storage } from '@haven/event-store';
import { mintFamilyGuestToken, TOKEN_VERIFIER_OPTIONS, type TokenVerifierOptions } from '@haven/identity';
import { LogFollower } from '@haven/realtime';
import { RoomCommandsService, sessionRoomIdOf } from '@haven/rooms';
import type { FamilySessionCommand } from './domain/family-session.commands';
import { familySessionDecider } from './domain/family-session.decider';
import { FamilyErrors } from './domain/family-session.errors';
import { familySessionStreamName } from './domain/family-session.events';
import { inviteExpiry } from './domain/family-session.state';
import { findFamilySession, inviteByCodeHash, type FamilySessionRow } from './read-models/family-sessions.projection';
import { lobbyWordOf } from './read-models/family-lobby-word.projection';

/** a guest's token outlives the session's end by this much, so a session that runs over does not drop them */
const GUEST_TOKEN_GRACE_MS = 3_600_000;

export const hashInviteCode = (code: string): string => createHash('sha256').update(code, 'utf8').digest('hex');

/**
 * Runs family-session commands, then the step the session's room needs in the rooms context (open it, admit or remove
 * a guest, close it), as the system with command ids derived from what they follow, so any node doing a step again
 * appends nothing. A step that fails is done by the family-session processor from the read model.
 */
@Injectable()
export class FamilySessionsService {
  private readonly logger = new Logger(FamilySessionsService.name);

  constructor(
    @Inject(STORAGE) private readonly storage: Storage,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly follower: LogFollower,
    private readonly rooms: RoomCommandsService,
    /** what tokens are verified with, as the identity module read them at start: the family key among them */
    @Inject(TOKEN_VERIFIER_OPTIONS) private readonly verifier: TokenVerifierOptions,
  ) {}

  async schedule(actor: Actor, sessionId: string, data: { participantId: string; title: string; startsAt: string; endsAt: string }, commandId: string) {
    const roomId = sessionRoomIdOf(sessionId);
    const result = await this.run(actor, commandId, { type: 'ScheduleFamilySession', data: { sessionId, roomId, ...data } });
    const scheduled = result.events[0]?.data as { participantId: string; hostId: string } | undefined;
    if (scheduled) await this.openRoom({ sessionId, roomId, participantId: scheduled.participantId, hostId: scheduled.hostId });
    return { ...commandAck(result), sessionId, roomId };
  }

  /** New times for a session not started, before anyone redeemed an invite; its room and open invites stay as they are. */
  async reschedule(actor: Actor, sessionId: string, times: { startsAt: string; endsAt: string }, commandId: string) {
    await this.sessionFor(actor, sessionId);
    const result = await this.run(actor, commandId, { type: 'RescheduleFamilySession', data: { sessionId, ...times } });
    const stored = result.events[0]?.data as { startsAt: string; endsAt: string } | undefined;
    return { ...commandAck(result), sessionId, ...(stored ? { startsAt: stored.startsAt, endsAt: stored.endsAt } : {}) };
  }

  /** The code is in this answer only: the store keeps its hash. A retried command id gets `code: null`. */
  async invite(actor: Actor, sessionId: string, inviteeLabel: string, commandId: string) {
    const session = await this.sessionFor(actor, sessionId);
    const inviteId = derivedId(actor, commandId, 'family-invite');
    const code = randomBytes(16).toString('base64url');
    const expiresAt = inviteExpiry(this.clock.now().toISOString(), session.endsAt);
    const result = await this.run(actor, commandId, {
      type: 'InviteFamilyMember',
      data: { sessionId, inviteId, codeHash: hashInviteCode(code), inviteeLabel, expiresAt },
    });
    const stored = result.events[0]?.data as { inviteId: string; expiresAt: string } | undefined;
    return { ...commandAck(result), inviteId: stored?.inviteId ?? inviteId, expiresAt: stored?.expiresAt ?? expiresAt, code: result.replayed ? null : code };
  }

  async revoke(actor: Actor, sessionId: string, inviteId: string, commandId: string) {
    await this.sessionFor(actor, sessionId);
    return commandAck(await this.run(actor, commandId, { type: 'RevokeFamilyInvite', data: { sessionId, inviteId } }));
  }

  /**
   * A family member's code for a waiting guest's token. Each attempt is a new command (never a replay), so a code
   * works once; the same answer for a code that never existed and one of another session.
   */
  async redeem(code: string) {
    // before the invite is used up: a server that cannot sign one must not spend the code
    if (!this.verifier.familyTokenSecret) {
      throw new DomainError('FAMILY.GUEST_TOKENS_UNAVAILABLE', 'this server has no key to sign family tokens with (JWKS_URL without FAMILY_TOKEN_SECRET)');
    }
    const codeHash = hashInviteCode(code);
    const invite = await inviteByCodeHash(this.storage.sql, codeHash);
    if (!invite) throw FamilyErrors.inviteNotFound();
    const session = await findFamilySession(this.storage.sql, invite.sessionId);
    if (!session) throw FamilyErrors.inviteNotFound();
    const guestId = `family-${invite.inviteId}`;
    await this.run(SYSTEM_ACTOR, `redeem:${randomUUID()}`, {
      type: 'RedeemFamilyInvite',
      data: { sessionId: session.sessionId, inviteId: invite.inviteId, codeHash, guestId },
    });
    const expiresAt = new Date(Date.parse(session.endsAt) + GUEST_TOKEN_GRACE_MS);
    const token = (await mintFamilyGuestToken(this.verifier, { guestId, familySessionId: session.sessionId, expiresAt }))!;
    // the latest word to the lobby, said before this guest came ("ten minutes late"); opened on the way out
    const lobbyWord = await lobbyWordOf(this.storage.sql, session.sessionId);
    return { token, guestId, sessionId: session.sessionId, title: session.title, startsAt: session.startsAt, endsAt: session.endsAt, expiresAt: expiresAt.toISOString(), lobbyWord };
  }

  async admit(actor: Actor, sessionId: string, guestId: string, commandId: string) {
    const session = await this.sessionFor(actor, sessionId);
    const result = await this.run(actor, commandId, { type: 'AdmitFamilyGuest', data: { sessionId, guestId } });
    await this.admitToRoom(session, guestId);
    return commandAck(result);
  }

  async remove(actor: Actor, sessionId: string, guestId: string, commandId: string) {
    const session = await this.sessionFor(actor, sessionId);
    const result = await this.run(actor, commandId, { type: 'RemoveFamilyGuest', data: { sessionId, guestId } });
    await this.removeFromRoom(session, guestId);
    return commandAck(result);
  }

  /** A word to the family members waiting to be admitted; `guestIds` says who it reached. */
  async tellLobby(actor: Actor, sessionId: string, text: string, commandId: string) {
    await this.sessionFor(actor, sessionId);
    const result = await this.run(actor, commandId, { type: 'TellFamilyLobby', data: { sessionId, text } });
    const told = result.events[0]?.data as { guestIds: string[] } | undefined;
    return { ...commandAck(result), guestIds: told?.guestIds ?? [] };
  }

  async end(actor: Actor, sessionId: string, commandId: string) {
    const session = await this.sessionFor(actor, sessionId);
    const result = await this.run(actor, commandId, { type: 'EndFamilySession', data: { sessionId } });
    await this.closeRoom(session);
    return commandAck(result);
  }

  // ---- the room steps: idempotent, also run by the processor -------------------------------------------------------

  async openRoom(s: Pick<FamilySessionRow, 'sessionId' | 'roomId' | 'participantId' | 'hostId'>): Promise<void> {
    await this.roomStep(() =>
      this.rooms.execute('OpenFamilySessionRoom', { roomId: s.roomId, sessionId: s.sessionId, participantId: s.participantId, hostId: s.hostId }, SYSTEM_ACTOR, `family-room-open:${s.sessionId}`),
    );
  }

  async admitToRoom(s: Pick<FamilySessionRow, 'roomId'>, guestId: string): Promise<void> {
    await this.roomStep(() => this.rooms.execute('AdmitFamilyGuest', { roomId: s.roomId, guestId }, SYSTEM_ACTOR, `family-admit:${guestId}`));
  }

  async removeFromRoom(s: Pick<FamilySessionRow, 'roomId'>, guestId: string): Promise<void> {
    await this.roomStep(() => this.rooms.execute('RemoveFamilyGuest', { roomId: s.roomId, guestId }, SYSTEM_ACTOR, `family-remove:${guestId}`));
  }

  async closeRoom(s: Pick<FamilySessionRow, 'sessionId' | 'roomId'>): Promise<void> {
    await this.roomStep(() => this.rooms.execute('CloseFamilySessionRoom', { roomId: s.roomId }, SYSTEM_ACTOR, `family-room-close:${s.sessionId}`));
  }

  /** An invite nobody redeemed by its `expiresAt` (its code stopped working then) is marked so, once, by the system. */
  async expireInvite(i: { sessionId: string; inviteId: string }): Promise<void> {
    await this.run(SYSTEM_ACTOR, `invite-expire:${i.inviteId}`, { type: 'ExpireFamilyInvite', data: { sessionId: i.sessionId, inviteId: i.inviteId } });
  }

  /** An invite still unused an hour before its session is told of once, by the system, to the session's people. */
  async remindOfUnusedInvite(i: { sessionId: string; inviteId: string }): Promise<void> {
    await this.run(SYSTEM_ACTOR, `invite-remind:${i.inviteId}`, { type: 'RemindOfUnusedInvite', data: { sessionId: i.sessionId, inviteId: i.inviteId } });
  }

  /** A session nobody ended an hour past its end is ended by the system (its guests' tokens stop then too). */
  async endOverdue(s: Pick<FamilySessionRow, 'sessionId' | 'roomId'>): Promise<void> {
    await this.run(SYSTEM_ACTOR, `family-end:${s.sessionId}`, { type: 'EndFamilySession', data: { sessionId: s.sessionId } });
    await this.closeRoom(s);
  }

  private async roomStep(step: () => Promise<unknown>): Promise<void> {
    try {
      await step();
    } catch (error) {
      this.logger.warn(`family session room step failed, the processor will retry: ${(error as Error).name}`);
    }
  }

  /** The session as a reader may know it; a stranger is told it does not exist (the decider checks again). */
  private async sessionFor(actor: Actor, sessionId: string): Promise<FamilySessionRow> {
    const session = await findFamilySession(this.storage.sql, sessionId);
    if (!session || !(isOverseer(actor.role) || actor.userId === session.hostId || (actor.role === 'participant' && actor.userId === session.participantId))) {
      throw FamilyErrors.notFound();
    }
    return session;
  }

  private async run(actor: Actor, commandId: string, command: Omit<FamilySessionCommand, 'context'>): Promise<CommandResult> {
    const full = { ...command, context: { actor, commandId, now: this.clock.now().toISOString() } } as FamilySessionCommand;
    return this.follower.whenDelivered(await handleCommand(this.storage.events, familySessionDecider, familySessionStreamName(full.data.sessionId), full));
  }
}
