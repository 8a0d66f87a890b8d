import { isOverseer, type Actor, type DomainError, type Role } from '@haven/domain';
import { RoomErrors } from './room.errors';
import type { MemberState, MuteState, Room, RoomState } from './room.state';
import { speechRefusal } from './room-speech';

/** Staff by global role: exempt from lock and slow mode, joins invite-only rooms without an invite, creates rooms. */
export const STAFF_ROLES: readonly Role[] = ['facilitator', 'clinician', 'admin'];
export const isStaff = (role: Role | undefined): boolean => role !== undefined && STAFF_ROLES.includes(role);

// Clinicians and admins (isOverseer, @haven/domain) administer and moderate every room without being members, so an
// escalation or a closed room never locks them out. Everyone else acts through room membership.
export { isOverseer };

export const toMs = (iso: string): number => Date.parse(iso);
export const addSeconds = (iso: string, seconds: number): string => new Date(toMs(iso) + seconds * 1000).toISOString();

export function requireRoom(state: RoomState): Room {
  if (state.status === 'absent') throw RoomErrors.notFound();
  return state;
}

/** The room exists and is not archived (archived rooms refuse every command). */
export function requireActiveRoom(state: RoomState): Room {
  const room = requireRoom(state);
  if (room.status === 'archived') throw RoomErrors.archived(room.roomId);
  return room;
}

/**
 * A mentor pair's room belongs to its pairing: who is in it, its settings and its end follow the pairing, so the
 * commands that would change them are refused there; talking, reporting and oversight work as in any room.
 */
export function requireNotPairRoom(room: Room): void {
  if (room.kind === 'mentor_pair') throw RoomErrors.pairRoom();
}

/**
 * A family session's room follows its session, as a pair room its pairing: who is in it, its settings and its end are
 * the session's (the system's commands); talking, reporting and moderation by its host work as in any room.
 */
export function requireNotFamilySessionRoom(room: Room): void {
  if (room.kind === 'family_session') throw RoomErrors.familySessionRoom();
}

/** Neither a pair's nor a family session's room: the commands that change who is in a room or how it runs. */
export function requireOrdinaryRoom(room: Room): void {
  requireNotPairRoom(room);
  requireNotFamilySessionRoom(room);
}

/**
 * The acting login is this member. A family login is a member only as a guest admitted to its own session's room;
 * any other login is never a member that joined as a family guest. So a relative's login under the id of the
 * participant it belongs to (an identity provider may do that) is no member anywhere, its own session's room included.
 */
export function isMemberActor(room: Room, actor: Actor): boolean {
  if (!room.members[actor.userId]) return false;
  const joinedAsGuest = room.knownRoles[actor.userId] === 'family';
  if (actor.role !== 'family') return !joinedAsGuest;
  return joinedAsGuest && room.sessionId !== null && actor.familySessionId === room.sessionId;
}

export function requireMember(room: Room, actor: Actor): MemberState {
  if (!isMemberActor(room, actor)) throw RoomErrors.notAMember(room.roomId);
  return room.members[actor.userId];
}

export const isRoomFacilitator = (room: Room, userId: string): boolean => room.members[userId]?.roomRole === 'facilitator';

export const facilitatorCount = (room: Room): number =>
  Object.values(room.members).filter((member) => member.roomRole === 'facilitator').length;

/** Room facilitators and overseers administer and moderate the room. */
export function requireModerator(room: Room, actor: Actor): void {
  if (isOverseer(actor.role)) return;
  requireMember(room, actor);
  if (!isRoomFacilitator(room, actor.userId)) {
    throw RoomErrors.forbidden('only the room facilitators, clinicians and admins can do this');
  }
}

/** A facilitator moderates members, not other facilitators or staff; nobody moderates themselves. */
export function requireMayModerate(room: Room, actor: Actor, targetId: string): void {
  if (targetId === actor.userId) throw RoomErrors.forbidden('you cannot moderate yourself', { userId: targetId });
  if (isOverseer(actor.role)) return;
  if (isFacilitatorOrStaff(room, targetId)) {
    throw RoomErrors.forbidden('a facilitator cannot moderate another facilitator or staff; ask a clinician', {
      userId: targetId,
    });
  }
}

/** This room's facilitators, and staff by the global role they had when they last joined it. */
export const isFacilitatorOrStaff = (room: Room, userId: string): boolean => isRoomFacilitator(room, userId) || isStaff(room.knownRoles[userId]);

/** Facilitators and staff keep speaking when the room is locked or slowed down: they are the ones calming it. */
export const isExemptFromRoomLimits = (room: Room, userId: string, role: Role | undefined): boolean =>
  isRoomFacilitator(room, userId) || isStaff(role);

/** A mute blocks only until `mutedUntil`, whether or not ExpireMute has been appended yet. */
export function activeMute(room: Room, userId: string, now: string): MuteState | null {
  const mute = room.mutes[userId];
  return mute && toMs(mute.mutedUntil) > toMs(now) ? mute : null;
}

/** The rules of speech (`speechRefusal`) for one member, from the folded room. */
export function speechRestriction(
  room: Room,
  userId: string,
  role: Role | undefined,
  now: string,
  options: { slowMode: boolean },
): DomainError | null {
  const { agreement } = room;
  return speechRefusal(
    {
      mute: activeMute(room, userId, now),
      exempt: isExemptFromRoomLimits(room, userId, role),
      locked: room.locked,
      openHours: room.openHours,
      agreement: agreement && { version: agreement.version, accepted: room.agreementAccepted[userId] === agreement.version },
      slowMode: options.slowMode ? { seconds: room.slowModeSeconds, lastPostAt: room.lastPostAt[userId] ?? null } : null,
    },
    now,
  );
}
