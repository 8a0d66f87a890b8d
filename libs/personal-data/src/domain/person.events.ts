import type { DomainEvent } from '@haven/domain';

/**
 * A person's personal data was erased: the secrets of these keys were deleted, so everything sealed with them, in the
 * log, in read models and in backups of either, reads as erased. The event itself holds ids only.
 */
export type PersonalDataErased = DomainEvent<'PersonalDataErased', { userId: string; keyIds: string[]; by: string; erasedAt: string }>;
/** An admin exported what the log holds about a person, through this position: access to health data leaves a trace. */
export type PersonalDataExported = DomainEvent<'PersonalDataExported', { userId: string; throughPosition: number; by: string; exportedAt: string }>;

export type PersonEvent = PersonalDataErased | PersonalDataExported;

const STREAM_PREFIX = 'person-';
/** One stream per person: the record of every erasure and export of their data. */
export const personStreamName = (userId: string) => `${STREAM_PREFIX}${userId}`;
export const isPersonStream = (streamId: string): boolean => streamId.startsWith(STREAM_PREFIX);
