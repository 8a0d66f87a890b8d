import { charCount } from '@haven/domain';
import { RoomErrors } from './room.errors';

/** Limits the decider enforces; edges may validate the same numbers earlier but the decider is the authority. */
export const RoomLimits = {
  nameMax: 100,
  topicMax: 500,
  agreementMax: 2000,
  capacityMin: 2,
  capacityMax: 500,
  textMax: 4000,
  contentWarningMax: 60,
  reactionMax: 16,
  reasonMax: 500,
  noteMax: 500,
  muteMinSeconds: 60,
  muteMaxSeconds: 7 * 24 * 60 * 60,
  slowModeMaxSeconds: 3600,
} as const;

const isWholeIn = (value: number, min: number, max: number): boolean =>
  Number.isInteger(value) && value >= min && value <= max;

/** Returns the trimmed text that will be stored. */
export function validMessageText(text: string): string {
  const trimmed = (text ?? '').trim();
  if (trimmed.length === 0) throw RoomErrors.messageEmpty();
  const length = charCount(trimmed);
  if (length > RoomLimits.textMax) throw RoomErrors.messageTooLong(RoomLimits.textMax, length);
  return trimmed;
}

/** A short tag like "self-harm"; blank means none. */
export function validContentWarning(contentWarning: string | null | undefined): string | null {
  const trimmed = (contentWarning ?? '').trim();
  if (trimmed.length === 0) return null;
  if (charCount(trimmed) > RoomLimits.contentWarningMax) throw RoomErrors.contentWarningTooLong(RoomLimits.contentWarningMax);
  return trimmed;
}

export function validReason(reason: string): string {
  const trimmed = (reason ?? '').trim();
  if (trimmed.length === 0) throw RoomErrors.reasonRequired();
  if (charCount(trimmed) > RoomLimits.reasonMax) throw RoomErrors.reasonTooLong(RoomLimits.reasonMax);
  return trimmed;
}

export function validOptionalReason(reason: string | null | undefined): string | null {
  const trimmed = (reason ?? '').trim();
  if (trimmed.length === 0) return null;
  if (charCount(trimmed) > RoomLimits.reasonMax) throw RoomErrors.reasonTooLong(RoomLimits.reasonMax);
  return trimmed;
}

export function validNote(note: string | null | undefined): string | null {
  const trimmed = (note ?? '').trim();
  if (trimmed.length === 0) return null;
  if (charCount(trimmed) > RoomLimits.noteMax) throw RoomErrors.noteTooLong(RoomLimits.noteMax);
  return trimmed;
}

export function validName(name: string): string {
  const trimmed = (name ?? '').trim();
  if (trimmed.length === 0 || charCount(trimmed) > RoomLimits.nameMax) throw RoomErrors.invalidName(RoomLimits.nameMax);
  return trimmed;
}

export function validTopic(topic: string): string {
  const trimmed = (topic ?? '').trim();
  if (charCount(trimmed) > RoomLimits.topicMax) throw RoomErrors.invalidTopic(RoomLimits.topicMax);
  return trimmed;
}

export function validAgreement(text: string): string {
  const trimmed = (text ?? '').trim();
  if (trimmed.length === 0 || charCount(trimmed) > RoomLimits.agreementMax) throw RoomErrors.invalidAgreement(RoomLimits.agreementMax);
  return trimmed;
}

export function validReaction(emoji: string): string {
  const trimmed = (emoji ?? '').trim();
  if (trimmed.length === 0 || charCount(trimmed) > RoomLimits.reactionMax) throw RoomErrors.invalidReaction(RoomLimits.reactionMax);
  return trimmed;
}

export function validCapacity(capacity: number): number {
  if (!isWholeIn(capacity, RoomLimits.capacityMin, RoomLimits.capacityMax)) {
    throw RoomErrors.invalidCapacity(RoomLimits.capacityMin, RoomLimits.capacityMax);
  }
  return capacity;
}

export function validMuteDuration(seconds: number): number {
  if (!isWholeIn(seconds, RoomLimits.muteMinSeconds, RoomLimits.muteMaxSeconds)) {
    throw RoomErrors.invalidMuteDuration(RoomLimits.muteMinSeconds, RoomLimits.muteMaxSeconds);
  }
  return seconds;
}

export function validSlowMode(seconds: number): number {
  if (!isWholeIn(seconds, 0, RoomLimits.slowModeMaxSeconds)) throw RoomErrors.invalidSlowMode(RoomLimits.slowModeMaxSeconds);
  return seconds;
}

export function validPosition(position: number): number {
  if (!Number.isSafeInteger(position) || position < 0) throw RoomErrors.invalidPosition();
  return position;
}

export function oneOf<T extends string>(value: T, allowed: readonly T[], refuse: (allowed: readonly T[]) => Error): T {
  if (!allowed.includes(value)) throw refuse(allowed);
  return value;
}
