import type { DomainEvent } from '@haven/domain';

/**
 * A person's personal data was erased: the secrets of these keys were deleted, so everything sealed with them, in the
 * log, in read models and in backups of either, reads as erased. The event itself holds ids only.
 */
export type PersonalDataErased = DomainEvent<'PersonalDataErased', { userId: string; keyIds: string[]; by: string; erasedAt: string }>;

export type ErasureEvent = PersonalDataErased;

/** One stream per person: the record of every erasure of their data. */
export const personStreamName = (userId: string) => `person-${userId}`;
