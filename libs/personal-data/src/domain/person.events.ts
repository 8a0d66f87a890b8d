import type { DomainEvent, PersonalFieldMap } from '@haven/domain';

/**
 * A person's personal data was erased: the secrets of these keys were deleted, so everything sealed with them, in the
 * log, in read models and in backups of either, reads as erased. The event itself holds ids only.
 */
export type PersonalDataErased = DomainEvent<'PersonalDataErased', { userId: string; keyIds: string[]; by: string; erasedAt: string }>;
/** An admin exported what the log holds about a person, through this position: access to health data leaves a trace. */
export type PersonalDataExported = DomainEvent<'PersonalDataExported', { userId: string; throughPosition: number; by: string; exportedAt: string }>;

/**
 * An admin suspended the person's access: every token of theirs is refused from then on, and their open connections
 * end, on every node. Nothing else changes (memberships, pairings, sessions), so reinstating gives it all back.
 */
export type AccessSuspended = DomainEvent<'AccessSuspended', { userId: string; reason: string; by: string; suspendedAt: string }>;
export type AccessReinstated = DomainEvent<'AccessReinstated', { userId: string; by: string; reinstatedAt: string }>;

/**
 * The person asked for their personal data to be erased (POST /me/erasure-request): an admin decides and erases, as a
 * clinic may have records it must keep; the request stays open until they do, or the person withdraws it.
 */
export type ErasureRequested = DomainEvent<'ErasureRequested', { userId: string; requestedAt: string }>;
export type ErasureRequestWithdrawn = DomainEvent<'ErasureRequestWithdrawn', { userId: string; withdrawnAt: string }>;

/**
 * Haven's note of an admin's first connection: the identity provider holds the clinic's admins, and Haven learns of
 * them as they connect, so that one who is away can be told that someone asked for erasure. Goes to nobody.
 */
export type AdminSeen = DomainEvent<'AdminSeen', { userId: string; seenAt: string }>;

export type PersonEvent = PersonalDataErased | PersonalDataExported | AccessSuspended | AccessReinstated | ErasureRequested | ErasureRequestWithdrawn | AdminSeen;

/** why someone was suspended is written about them: sealed with their key, erased with it */
export const PERSON_PERSONAL_FIELDS: PersonalFieldMap = {
  AccessSuspended: { subject: 'userId', fields: ['reason'] },
};

const STREAM_PREFIX = 'person-';
/** One stream per person: the record of every erasure and export of their data. */
export const personStreamName = (userId: string) => `${STREAM_PREFIX}${userId}`;
export const isPersonStream = (streamId: string): boolean => streamId.startsWith(STREAM_PREFIX);
