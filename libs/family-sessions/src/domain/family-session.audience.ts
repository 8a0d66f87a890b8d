import { OVERSEER_ROLES, type Actor, type Role } from '@haven/domain';
import type { FamilySessionEvent } from './family-session.events';

/**
 * Who sees a family-session event:
 * - the session's people (its participant, its host, whoever acted) and every clinician and admin (who may schedule,
 *   admit and end any session, and read every one): the event without the invite code's hash (`full`); never a family
 *   login, whatever user id it carries;
 * - the guest it is about (a redemption, an admission, a removal; every guest when the session ends; the guests waiting
 *   when staff tell the lobby something): only their own status or the word to them (`guest`), and only through a family
 *   login of this session.
 * The two parts never overlap, so live delivery and catch-up (both read this function) give each viewer one form.
 */
export type FamilyForm = 'full' | 'guest';

export interface FamilyAudience {
  users: string[];
  roles: Role[];
  form: FamilyForm;
}

const actorOf = (event: FamilySessionEvent): string | null => {
  const data = event.data as Record<string, unknown>;
  const by = data.by ?? data.invitedBy ?? data.hostId;
  return typeof by === 'string' ? by : null;
};

export function familySessionAudience(event: FamilySessionEvent, session: { participantId: string; hostId: string }): FamilyAudience[] {
  const people = [...new Set([session.participantId, session.hostId, ...(actorOf(event) ? [actorOf(event)!] : [])])].filter((id) => id !== 'system');
  const staff: FamilyAudience = { users: people, roles: [...OVERSEER_ROLES], form: 'full' };
  switch (event.type) {
    case 'FamilySessionScheduled':
    case 'FamilySessionRescheduled':
    case 'FamilyInviteIssued':
    case 'FamilyInviteRevoked':
    case 'FamilyInviteUnusedBeforeSession':
    case 'FamilyInviteExpired':
      return [staff];
    case 'FamilyInviteRedeemed':
    case 'FamilyGuestAdmitted':
    case 'FamilyGuestRemoved':
      return [staff, { users: [event.data.guestId], roles: [], form: 'guest' }];
    case 'FamilyLobbyNoticeSent':
    case 'FamilySessionEnded':
      return [staff, { users: event.data.guestIds, roles: [], form: 'guest' }];
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}

/** The part of the audience this viewer belongs to, or null (catch-up's answer, as live delivery's). */
export function familyAudienceOf(viewer: Actor, event: FamilySessionEvent, session: { participantId: string; hostId: string }): FamilyAudience | null {
  const sessionId = (event.data as { sessionId: string }).sessionId;
  for (const part of familySessionAudience(event, session)) {
    if (part.form === 'guest') {
      if (viewer.role === 'family' && viewer.familySessionId === sessionId && part.users.includes(viewer.userId)) return part;
    } else if (viewer.role !== 'family' && (part.users.includes(viewer.userId) || part.roles.includes(viewer.role))) {
      return part;
    }
  }
  return null;
}

/** The event's data in a form: never the code's hash; a guest sees their own status and the session's room, no more. */
export function familyEventForm(event: FamilySessionEvent, form: FamilyForm): Record<string, unknown> {
  const { codeHash: _hash, ...data } = event.data as Record<string, unknown>;
  if (form === 'full') return data;
  switch (event.type) {
    case 'FamilyInviteRedeemed':
      return { sessionId: data.sessionId, guestId: data.guestId, status: 'waiting', redeemedAt: data.redeemedAt };
    case 'FamilyGuestAdmitted':
      return { sessionId: data.sessionId, guestId: data.guestId, roomId: data.roomId, admittedAt: data.admittedAt };
    case 'FamilyGuestRemoved':
      return { sessionId: data.sessionId, guestId: data.guestId, removedAt: data.removedAt };
    case 'FamilyLobbyNoticeSent':
      return { sessionId: data.sessionId, text: data.text, sentAt: data.sentAt };
    case 'FamilySessionEnded':
      return { sessionId: data.sessionId, endedAt: data.endedAt };
    default:
      return {};
  }
}
