import type { DomainError } from '@haven/domain';
import { RoomErrors } from './room.errors';
import { isOpenAt, nextOpening, type OpenHours } from './room-open-hours';

/**
 * What the rules of speech need to know of one member in one room. The decider reads them off the folded room (posts,
 * edits, reactions); RoomSignalsService off read models (typing, which is no command and folds nothing). Each gathers
 * the facts its own way; the rule that weighs them is `speechRefusal`, one function for both.
 */
export interface SpeechFacts {
  /** a mute still running, if any */
  mute: { mutedUntil: string; reason: string } | null;
  /** the room's facilitators and staff: not held by the lock, open hours, the agreement or slow mode (they calm the room) */
  exempt: boolean;
  locked: boolean;
  openHours: OpenHours | null;
  /** the group's agreement and whether this member accepted its current version; may be left null for the exempt */
  agreement: { version: number; accepted: boolean } | null;
  /** slow mode, for a post or an edit (typing is not slowed): its interval and this member's last post */
  slowMode: { seconds: number; lastPostAt: string | null } | null;
}

/**
 * Mute, lock, open hours, the group's agreement and slow mode, in that order, as one refusal or null. Kept apart from
 * membership on purpose: a crisis "needs help" path checks membership and skips exactly this function.
 */
export function speechRefusal(facts: SpeechFacts, now: string): DomainError | null {
  if (facts.mute) return RoomErrors.muted(facts.mute.mutedUntil, facts.mute.reason);
  if (facts.exempt) return null;
  if (facts.locked) return RoomErrors.locked();
  const at = new Date(now);
  if (facts.openHours && !isOpenAt(facts.openHours, at)) {
    return RoomErrors.outsideOpenHours(nextOpening(facts.openHours, at)?.toISOString() ?? null, facts.openHours.timeZone);
  }
  if (facts.agreement && !facts.agreement.accepted) return RoomErrors.agreementNotAccepted(facts.agreement.version);
  const { slowMode } = facts;
  if (slowMode && slowMode.seconds > 0 && slowMode.lastPostAt) {
    const retryAfterMs = Date.parse(slowMode.lastPostAt) + slowMode.seconds * 1000 - at.getTime();
    if (retryAfterMs > 0) return RoomErrors.slowMode(retryAfterMs, slowMode.seconds);
  }
  return null;
}
