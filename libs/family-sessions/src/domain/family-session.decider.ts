import { isOverseer, requiredText, SYSTEM_ACTOR, type Actor, type Decider } from '@haven/domain';
import type { FamilySessionCommand } from './family-session.commands';
import { FamilyErrors } from './family-session.errors';
import type { FamilySessionEvent } from './family-session.events';
import { evolveFamilySession, initialFamilySessionState, inviteExpiry, remindInviteAt, type FamilySession, type FamilySessionState } from './family-session.state';

export const MAX_OPEN_INVITES = 10;
export const MAX_SESSION_HOURS = 8;
const MAX_TITLE_LENGTH = 100;
const MAX_LABEL_LENGTH = 60;
export const MAX_LOBBY_NOTICE_LENGTH = 500;

/** clinicians and admins: they schedule, admit, remove guests and end any session */
const isStaff = (actor: Actor) => isOverseer(actor.role);
const isSystem = (actor: Actor) => actor.userId === SYSTEM_ACTOR.userId;
const ms = (iso: string) => Date.parse(iso);

const text = (field: string, value: unknown, max: number): string => requiredText(field, value, max, FamilyErrors.invalid);

function isoTime(field: string, value: unknown): string {
  const parsed = typeof value === 'string' ? Date.parse(value) : NaN;
  if (!Number.isFinite(parsed)) throw FamilyErrors.invalid(field, `${field} must be an ISO date and time`);
  return new Date(parsed).toISOString();
}

/** Who may see and run the session: its participant, its host, and clinicians and admins. Others learn it does not exist. */
function requireInSession(session: FamilySession, actor: Actor): void {
  if (isStaff(actor) || actor.userId === session.hostId) return;
  if (actor.role === 'participant' && actor.userId === session.participantId) return;
  throw FamilyErrors.notFound();
}

function requireStaffOfSession(session: FamilySession, actor: Actor): void {
  requireInSession(session, actor);
  if (!isStaff(actor) && actor.userId !== session.hostId) throw FamilyErrors.forbidden('only clinicians admit, remove guests, tell the lobby and end the session');
}

/** A session's times as the rules take them: ISO, in order, at most MAX_SESSION_HOURS long, ending in the future. */
function sessionTimes(data: { startsAt: unknown; endsAt: unknown }, now: string): { startsAt: string; endsAt: string } {
  const startsAt = isoTime('startsAt', data.startsAt);
  const endsAt = isoTime('endsAt', data.endsAt);
  if (ms(endsAt) <= ms(startsAt)) throw FamilyErrors.invalid('endsAt', 'endsAt must be after startsAt');
  if (ms(endsAt) - ms(startsAt) > MAX_SESSION_HOURS * 3_600_000) throw FamilyErrors.invalid('endsAt', `a session lasts at most ${MAX_SESSION_HOURS} hours`);
  if (ms(endsAt) <= ms(now)) throw FamilyErrors.invalid('endsAt', 'endsAt is in the past');
  return { startsAt, endsAt };
}

function requireScheduled(state: FamilySessionState): FamilySession {
  if (state.status === 'absent') throw FamilyErrors.notFound();
  if (state.status === 'ended') throw FamilyErrors.ended();
  return state;
}

/**
 * The rules of one family session (stream `session-<sessionId>`): a clinician schedules it for a participant; they or
 * the participant invite family members with single-use codes that expire; redeeming one (the system, for a family
 * member with no login yet) makes a waiting guest; staff admit or remove guests and end the session.
 */
export const familySessionDecider: Decider<FamilySessionCommand, FamilySessionEvent, FamilySessionState> = {
  decide(command, state) {
    const { actor, now } = command.context;
    const { sessionId } = command.data;
    switch (command.type) {
      case 'ScheduleFamilySession': {
        if (!isStaff(actor)) throw FamilyErrors.forbidden('only clinicians and admins schedule family sessions');
        if (state.status !== 'absent') throw FamilyErrors.alreadyExists(sessionId);
        const { participantId, roomId } = command.data;
        const title = text('title', command.data.title, MAX_TITLE_LENGTH);
        const { startsAt, endsAt } = sessionTimes(command.data, now);
        if (participantId === actor.userId) throw FamilyErrors.invalid('participantId', 'the participant is someone else than the host');
        return [{ type: 'FamilySessionScheduled', data: { sessionId, participantId, hostId: actor.userId, title, startsAt, endsAt, roomId, scheduledAt: now } }];
      }
      case 'RescheduleFamilySession': {
        const session = requireScheduled(state);
        requireStaffOfSession(session, actor);
        const { startsAt, endsAt } = sessionTimes(command.data, now);
        if (startsAt === session.startsAt && endsAt === session.endsAt) return [];
        if (ms(now) >= ms(session.startsAt)) throw FamilyErrors.cannotReschedule('started', 'the session has started; end it and schedule another');
        // a redeemed invite's token and its holder's expectations carry the old times
        if (Object.keys(session.guests).length > 0) {
          throw FamilyErrors.cannotReschedule('guests_redeemed', 'family members have redeemed invites for these times; end the session and schedule another');
        }
        // an invite already past its time is not brought back; the others get the expiry the new times give them
        const inviteExpiries = Object.fromEntries(
          Object.entries(session.invites)
            .filter(([, invite]) => invite.status === 'open' && ms(now) < ms(invite.expiresAt))
            .map(([id, invite]) => [id, inviteExpiry(invite.issuedAt, endsAt)]),
        );
        return [{ type: 'FamilySessionRescheduled', data: { sessionId, startsAt, endsAt, inviteExpiries, by: actor.userId, rescheduledAt: now } }];
      }
      case 'InviteFamilyMember': {
        const session = requireScheduled(state);
        requireInSession(session, actor);
        const { inviteId, codeHash, expiresAt } = command.data;
        if (session.invites[inviteId]) throw FamilyErrors.invalid('inviteId', 'that invite id is taken');
        const open = Object.values(session.invites).filter((i) => i.status === 'open' && ms(i.expiresAt) > ms(now));
        if (open.length >= MAX_OPEN_INVITES) throw FamilyErrors.tooManyInvites(MAX_OPEN_INVITES);
        const inviteeLabel = text('inviteeLabel', command.data.inviteeLabel, MAX_LABEL_LENGTH);
        if (ms(isoTime('expiresAt', expiresAt)) <= ms(now)) throw FamilyErrors.invalid('expiresAt', 'expiresAt is in the past');
        return [{ type: 'FamilyInviteIssued', data: { sessionId, participantId: session.participantId, inviteId, codeHash, inviteeLabel, expiresAt, invitedBy: actor.userId, issuedAt: now } }];
      }
      case 'RevokeFamilyInvite': {
        const session = requireScheduled(state);
        requireInSession(session, actor);
        const invite = session.invites[command.data.inviteId];
        if (!invite) throw FamilyErrors.inviteNotFound();
        if (invite.status === 'revoked' || invite.status === 'expired') return [];
        if (invite.status === 'redeemed') throw FamilyErrors.inviteUsed();
        return [{ type: 'FamilyInviteRevoked', data: { sessionId, inviteId: command.data.inviteId, by: actor.userId, revokedAt: now } }];
      }
      case 'ExpireFamilyInvite': {
        if (!isSystem(actor)) throw FamilyErrors.forbidden('invites expire by themselves');
        if (state.status === 'absent') throw FamilyErrors.inviteNotFound();
        const invite = state.invites[command.data.inviteId];
        if (!invite) throw FamilyErrors.inviteNotFound();
        // also in an ended session: every open invite is marked once, so none stays due for the processor
        if (invite.status !== 'open' || ms(now) < ms(invite.expiresAt)) return [];
        return [{ type: 'FamilyInviteExpired', data: { sessionId, inviteId: command.data.inviteId, expiredAt: now } }];
      }
      case 'RemindOfUnusedInvite': {
        if (!isSystem(actor)) throw FamilyErrors.forbidden('reminders are sent by the system');
        if (state.status === 'absent') throw FamilyErrors.notFound();
        const invite = state.invites[command.data.inviteId];
        if (!invite) throw FamilyErrors.inviteNotFound();
        // once only, while the invite can still be used and the session has not ended
        const at = remindInviteAt(invite.issuedAt, state.startsAt);
        if (state.status === 'ended' || invite.status !== 'open' || invite.reminded || at === null) return [];
        if (ms(now) < ms(at) || ms(now) >= ms(invite.expiresAt)) return [];
        return [{ type: 'FamilyInviteUnusedBeforeSession', data: { sessionId, inviteId: command.data.inviteId, invitedBy: invite.invitedBy, startsAt: state.startsAt, remindedAt: now } }];
      }
      case 'RedeemFamilyInvite': {
        if (!isSystem(actor)) throw FamilyErrors.forbidden('invites are redeemed through the redeem endpoint');
        if (state.status === 'absent') throw FamilyErrors.inviteNotFound();
        const { inviteId, codeHash, guestId } = command.data;
        const invite = state.invites[inviteId];
        if (!invite || invite.codeHash !== codeHash) throw FamilyErrors.inviteNotFound();
        if (invite.status === 'redeemed') throw FamilyErrors.inviteUsed();
        if (invite.status === 'revoked') throw FamilyErrors.inviteRevoked();
        if (state.status === 'ended') throw FamilyErrors.ended();
        if (invite.status === 'expired') throw FamilyErrors.inviteExpired(invite.expiresAt);
        if (ms(now) >= ms(invite.expiresAt)) throw FamilyErrors.inviteExpired(invite.expiresAt);
        return [{ type: 'FamilyInviteRedeemed', data: { sessionId, inviteId, guestId, inviteeLabel: invite.inviteeLabel, redeemedAt: now } }];
      }
      case 'AdmitFamilyGuest':
      case 'RemoveFamilyGuest': {
        const session = requireScheduled(state);
        requireStaffOfSession(session, actor);
        const { guestId } = command.data;
        const guest = session.guests[guestId];
        if (!guest) throw FamilyErrors.guestNotFound(guestId);
        const { roomId } = session;
        if (command.type === 'AdmitFamilyGuest') {
          if (guest.status === 'removed') throw FamilyErrors.guestRemoved(guestId);
          if (guest.status === 'admitted') return [];
          return [{ type: 'FamilyGuestAdmitted', data: { sessionId, guestId, roomId, by: actor.userId, admittedAt: now } }];
        }
        if (guest.status === 'removed') return [];
        return [{ type: 'FamilyGuestRemoved', data: { sessionId, guestId, roomId, by: actor.userId, removedAt: now } }];
      }
      case 'TellFamilyLobby': {
        const session = requireScheduled(state);
        requireStaffOfSession(session, actor);
        const noticeText = text('text', command.data.text, MAX_LOBBY_NOTICE_LENGTH);
        const guestIds = Object.entries(session.guests).filter(([, g]) => g.status === 'waiting').map(([id]) => id);
        // said to nobody, it would look sent to the one who wrote it
        if (guestIds.length === 0) throw FamilyErrors.nobodyWaiting();
        return [{ type: 'FamilyLobbyNoticeSent', data: { sessionId, participantId: session.participantId, guestIds, text: noticeText, by: actor.userId, sentAt: now } }];
      }
      case 'EndFamilySession': {
        if (state.status === 'absent') throw FamilyErrors.notFound();
        if (!isSystem(actor)) requireStaffOfSession(state, actor);
        if (state.status === 'ended') return [];
        const guestIds = Object.entries(state.guests).filter(([, g]) => g.status !== 'removed').map(([id]) => id);
        return [{ type: 'FamilySessionEnded', data: { sessionId, roomId: state.roomId, guestIds, by: actor.userId, endedAt: now } }];
      }
      default: {
        const _exhaustive: never = command;
        return _exhaustive;
      }
    }
  },
  evolve: evolveFamilySession,
  initialState: initialFamilySessionState,
};
