import { SYSTEM_ACTOR } from '@haven/domain';
import type { ExpireMute, RoomModerationCommand } from './room.commands';
import { RoomErrors } from './room.errors';
import type { RoomEvent } from './room.events';
import {
  activeMute,
  addSeconds,
  facilitatorCount,
  isRoomFacilitator,
  requireActiveRoom,
  requireMayModerate,
  requireModerator,
  requireNotFamilySessionRoom,
  requireNotPairRoom,
  toMs,
} from './room.policy';
import type { Room, RoomState } from './room.state';
import { unpinned } from './room-pins.decide';
import { validMuteDuration, validOptionalReason, validReason, validSlowMode } from './room.validation';

/**
 * The deadline processor's command. It never refuses for the room's state: a stale, early or repeated deadline (or
 * one for an archived room) yields nothing, so the processor can always mark it done.
 */
export function decideExpireMute(command: ExpireMute, state: RoomState): RoomEvent[] {
  const { actor, now } = command.context;
  if (actor.userId !== SYSTEM_ACTOR.userId) throw RoomErrors.authForbidden('only the system ends mutes on schedule');
  if (state.status === 'absent') throw RoomErrors.notFound(command.data.roomId);
  if (state.status === 'archived') return [];
  const { userId, mutedUntil } = command.data;
  const mute = state.mutes[userId];
  if (!mute || toMs(mute.mutedUntil) !== toMs(mutedUntil) || toMs(now) < toMs(mutedUntil)) return [];
  return [{ type: 'MemberUnmuted', data: { userId, by: actor.userId, reason: 'expired', unmutedAt: now } }];
}

function refuseIfLastFacilitator(room: Room, userId: string): void {
  if (isRoomFacilitator(room, userId) && facilitatorCount(room) <= 1) throw RoomErrors.lastFacilitator(userId);
}

/** In a mentor pair's room, overseers mute and redact as anywhere; who is in it and how it runs follow the pairing. */
const REFUSED_IN_PAIR_ROOMS: ReadonlySet<RoomModerationCommand['type']> = new Set([
  'RemoveMember',
  'BanMember',
  'UnbanMember',
  'SetSlowMode',
  'LockRoom',
  'UnlockRoom',
] as const);

/**
 * In a family session's room, its host mutes, redacts and resolves reports as anywhere; who is in it (removals and
 * bans) and the room-wide controls are the session's: a room removal of a guest left the session counting them as
 * admitted, and `family.admit` could not bring them back.
 */
const REFUSED_IN_FAMILY_SESSION_ROOMS: ReadonlySet<RoomModerationCommand['type']> = new Set([
  'RemoveMember',
  'BanMember',
  'UnbanMember',
  'SetSlowMode',
  'LockRoom',
  'UnlockRoom',
] as const);

/** Mutes, removals, bans, redactions and the room-wide controls (lock, slow mode). */
export function decideRoomModeration(command: RoomModerationCommand, state: RoomState): RoomEvent[] {
  const { actor, now } = command.context;
  const room = requireActiveRoom(state);
  if (REFUSED_IN_PAIR_ROOMS.has(command.type)) requireNotPairRoom(room);
  if (REFUSED_IN_FAMILY_SESSION_ROOMS.has(command.type)) requireNotFamilySessionRoom(room);
  requireModerator(room, actor);
  const by = actor.userId;
  switch (command.type) {
    case 'MuteMember': {
      const { userId } = command.data;
      if (!room.members[userId]) throw RoomErrors.targetNotAMember(userId);
      requireMayModerate(room, actor, userId);
      const durationSeconds = validMuteDuration(command.data.durationSeconds);
      const reason = validReason(command.data.reason);
      // A new mute replaces the current one; its mutedUntil is what a pending ExpireMute must match.
      const mutedUntil = addSeconds(now, durationSeconds);
      return [{ type: 'MemberMuted', data: { userId, reason, mutedUntil, by, mutedAt: now } }];
    }
    case 'UnmuteMember': {
      const { userId } = command.data;
      requireMayModerate(room, actor, userId);
      if (!activeMute(room, userId, now)) throw RoomErrors.notMuted(userId);
      return [{ type: 'MemberUnmuted', data: { userId, by, reason: 'lifted', unmutedAt: now } }];
    }
    case 'WarnMember': {
      const { userId } = command.data;
      if (!room.members[userId]) throw RoomErrors.targetNotAMember(userId);
      requireMayModerate(room, actor, userId);
      const reason = validReason(command.data.reason);
      const messageId = command.data.messageId ?? null;
      if (messageId !== null && !room.messages.has(messageId)) throw RoomErrors.messageNotFound(messageId);
      return [{ type: 'MemberWarned', data: { userId, reason, messageId, by, warnedAt: now } }];
    }
    case 'RemoveMember': {
      const { userId } = command.data;
      if (!room.members[userId]) throw RoomErrors.targetNotAMember(userId);
      requireMayModerate(room, actor, userId);
      const reason = validReason(command.data.reason);
      refuseIfLastFacilitator(room, userId);
      return [{ type: 'MemberRemoved', data: { userId, reason, by, removedAt: now } }];
    }
    case 'BanMember': {
      // Former members can be banned too, so leaving just before a ban does not escape it.
      const { userId } = command.data;
      const wasMember = room.members[userId] !== undefined;
      if (!wasMember && !room.knownRoles[userId]) throw RoomErrors.targetNotAMember(userId);
      requireMayModerate(room, actor, userId);
      if (room.bans[userId]) throw RoomErrors.alreadyBanned(userId);
      const reason = validReason(command.data.reason);
      refuseIfLastFacilitator(room, userId);
      return [{ type: 'MemberBanned', data: { userId, reason, by, bannedAt: now, wasMember } }];
    }
    case 'UnbanMember': {
      const { userId } = command.data;
      requireMayModerate(room, actor, userId);
      if (!room.bans[userId]) throw RoomErrors.notBanned(userId);
      return [{ type: 'MemberUnbanned', data: { userId, by, unbannedAt: now } }];
    }
    case 'RedactMessage': {
      const { messageId } = command.data;
      const message = room.messages.get(messageId);
      if (!message || message.deleted) throw RoomErrors.messageNotFound(messageId);
      if (message.redacted) throw RoomErrors.messageRedacted(messageId);
      requireMayModerate(room, actor, message.authorId);
      const reason = validReason(command.data.reason);
      return [
        { type: 'MessageRedacted', data: { messageId, authorId: message.authorId, reason, by, redactedAt: now } },
        ...unpinned(room, messageId, 'redacted', by, now),
      ];
    }
    case 'SetSlowMode': {
      const intervalSeconds = validSlowMode(command.data.intervalSeconds);
      if (intervalSeconds === room.slowModeSeconds) return [];
      return [{ type: 'SlowModeSet', data: { intervalSeconds, by, setAt: now } }];
    }
    case 'LockRoom': {
      const reason = validOptionalReason(command.data.reason);
      return room.locked ? [] : [{ type: 'RoomLocked', data: { reason, by, lockedAt: now } }];
    }
    case 'UnlockRoom': {
      const reason = validOptionalReason(command.data.reason);
      return room.locked ? [{ type: 'RoomUnlocked', data: { reason, by, unlockedAt: now } }] : [];
    }
    default: {
      const _exhaustive: never = command;
      return _exhaustive;
    }
  }
}
