import type { FamilySessionEvent } from './family-session.events';

export interface InviteState {
  codeHash: string;
  inviteeLabel: string;
  expiresAt: string;
  invitedBy: string;
  status: 'open' | 'redeemed' | 'revoked' | 'expired';
  issuedAt: string;
  /** the session's people were told it was still unused before the session */
  reminded?: boolean;
}

/** how long an invite may be redeemed at most: never past its session's end */
export const INVITE_TTL_MS = 72 * 3_600_000;

/** an invite's `expiresAt`: INVITE_TTL_MS after it was sent, or the session's end if that is sooner */
export const inviteExpiry = (issuedAt: string, endsAt: string): string => new Date(Math.min(Date.parse(issuedAt) + INVITE_TTL_MS, Date.parse(endsAt))).toISOString();

/** how long before a session its people are told of an invite nobody has used yet */
export const INVITE_REMINDER_BEFORE_MS = 3_600_000;

/**
 * When to tell of an invite still unused: an hour before the session, for an invite sent before then; null for one sent
 * within that hour (its sender has just sent it). The read model and the decider both read this one rule.
 */
export function remindInviteAt(issuedAt: string, startsAt: string): string | null {
  const at = Date.parse(startsAt) - INVITE_REMINDER_BEFORE_MS;
  return Date.parse(issuedAt) < at ? new Date(at).toISOString() : null;
}

export interface GuestState {
  inviteId: string;
  inviteeLabel: string;
  status: 'waiting' | 'admitted' | 'removed';
}

export interface FamilySession {
  status: 'scheduled' | 'ended';
  sessionId: string;
  participantId: string;
  hostId: string;
  title: string;
  startsAt: string;
  endsAt: string;
  roomId: string;
  invites: Record<string, InviteState>;
  guests: Record<string, GuestState>;
}

export type FamilySessionState = { status: 'absent' } | FamilySession;

export const initialFamilySessionState = (): FamilySessionState => ({ status: 'absent' });

/** the earlier of two ISO times */
export const earlier = (a: string, b: string): string => (Date.parse(a) <= Date.parse(b) ? a : b);

/** Folds one event into the state. Pure. A session has a handful of invites and guests: plain records do. */
export function evolveFamilySession(state: FamilySessionState, event: FamilySessionEvent): FamilySessionState {
  if (event.type === 'FamilySessionScheduled') {
    const { sessionId, participantId, hostId, title, startsAt, endsAt, roomId } = event.data;
    return { status: 'scheduled', sessionId, participantId, hostId, title, startsAt, endsAt, roomId, invites: {}, guests: {} };
  }
  if (state.status === 'absent') return state;
  const session = state;
  const setInvite = (inviteId: string, change: Partial<InviteState>): FamilySession =>
    session.invites[inviteId] ? { ...session, invites: { ...session.invites, [inviteId]: { ...session.invites[inviteId], ...change } } } : session;
  const setGuest = (guestId: string, status: GuestState['status']): FamilySession =>
    session.guests[guestId] ? { ...session, guests: { ...session.guests, [guestId]: { ...session.guests[guestId], status } } } : session;
  switch (event.type) {
    case 'FamilySessionRescheduled': {
      const { startsAt, endsAt, inviteExpiries } = event.data;
      // the new expiry of each open invite, as the event says; an event from before it said so: never past the new end
      const expiry = (id: string, invite: InviteState) => (inviteExpiries ? (inviteExpiries[id] ?? invite.expiresAt) : earlier(invite.expiresAt, endsAt));
      const invites = Object.fromEntries(
        Object.entries(session.invites).map(([id, invite]) => [id, invite.status === 'open' ? { ...invite, expiresAt: expiry(id, invite) } : invite]),
      );
      return { ...session, startsAt, endsAt, invites };
    }
    case 'FamilyInviteIssued': {
      const { inviteId, codeHash, inviteeLabel, expiresAt, invitedBy, issuedAt } = event.data;
      return { ...session, invites: { ...session.invites, [inviteId]: { codeHash, inviteeLabel, expiresAt, invitedBy, issuedAt, status: 'open' } } };
    }
    case 'FamilyInviteRevoked':
      return setInvite(event.data.inviteId, { status: 'revoked' });
    case 'FamilyInviteExpired':
      return setInvite(event.data.inviteId, { status: 'expired' });
    case 'FamilyInviteUnusedBeforeSession':
      return setInvite(event.data.inviteId, { reminded: true });
    case 'FamilyInviteRedeemed': {
      const { inviteId, guestId, inviteeLabel } = event.data;
      const redeemed = setInvite(inviteId, { status: 'redeemed' });
      return { ...redeemed, guests: { ...redeemed.guests, [guestId]: { inviteId, inviteeLabel, status: 'waiting' } } };
    }
    case 'FamilyGuestAdmitted':
      return setGuest(event.data.guestId, 'admitted');
    case 'FamilyGuestRemoved':
      return setGuest(event.data.guestId, 'removed');
    case 'FamilyLobbyNoticeSent':
      return session;
    case 'FamilySessionEnded':
      return { ...session, status: 'ended' };
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}
