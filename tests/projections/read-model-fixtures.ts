import { randomUUID } from 'node:crypto';
import type { NewEvent, Storage } from '@haven/event-store';
import { projectEvent, type Projection } from '@haven/projections';
import { allReadModels } from '../../apps/api/src/read-models';

/** The log and read models the projection tests share: a life for every context, and the live follower's way. */
export const READ_MODELS = allReadModels;
export const TABLES = READ_MODELS.flatMap((p) => p.tables);
export const at = '2026-01-05T10:00:00.000Z';

export const event = (type: string, data: Record<string, unknown>, actorId = 'fran'): NewEvent => {
  const commandId = randomUUID();
  return { id: randomUUID(), type, data, metadata: { actorId, commandId, correlationId: commandId, causationId: null, occurredAt: at } };
};

/** A room's life touching every read model: joins, posts, edits, deletes, moderation, reports, a mute, a ban. */
export function roomLife(roomId: string): NewEvent[] {
  const ids = Array.from({ length: 6 }, () => randomUUID());
  const reportId = randomUUID();
  return [
    event('RoomCreated', { roomId, name: 'Evening', topic: 'check-in', kind: 'group_therapy', capacity: 10, joinRule: 'open', createdBy: 'fran', creatorRole: 'facilitator', createdAt: at }),
    ...['alice', 'bob', 'carol'].map((userId) => event('MemberJoined', { userId, role: 'participant', joinedAt: at }, userId)),
    ...ids.map((messageId, i) => event('MessagePosted', { messageId, authorId: i % 2 ? 'alice' : 'bob', text: `message ${i}`, contentWarning: null, replyTo: null, postedAt: at })),
    event('MessageEdited', { messageId: ids[1], authorId: 'alice', text: 'edited', contentWarning: 'cw', editedAt: at }, 'alice'),
    event('MessageDeleted', { messageId: ids[0], authorId: 'bob', deletedAt: at }, 'bob'),
    event('MessageRedacted', { messageId: ids[3], authorId: 'alice', reason: 'private', by: 'fran', redactedAt: at }),
    event('MessageReported', { reportId, messageId: ids[2], authorId: 'bob', reporterId: 'alice', reason: 'rude', reportedAt: at }, 'alice'),
    event('ReportResolved', { reportId, messageId: ids[2], outcome: 'no_action', note: 'fine', by: 'fran', resolvedAt: at }),
    event('FacilitatorAppointed', { userId: 'carol', by: 'fran', appointedAt: at }),
    event('MemberMuted', { userId: 'bob', reason: 'pause', mutedUntil: '2026-01-05T11:00:00.000Z', by: 'carol', mutedAt: at }),
    event('RoomRenamed', { name: 'Late evening', by: 'fran', renamedAt: at }),
    event('MemberBanned', { userId: 'alice', reason: 'threats', by: 'fran', bannedAt: at, wasMember: true }),
    event('MemberLeft', { userId: 'carol', leftAt: at }, 'carol'),
  ];
}

/** A mentor pair's room: opened by the system for two, talked in, reported, a mute, closed with its pairing. */
export function pairRoomLife(roomId: string): NewEvent[] {
  const [first, second] = [randomUUID(), randomUUID()];
  return [
    event('PairRoomOpened', { roomId, pairingId: randomUUID(), participantId: 'alice', mentorId: 'max', openedAt: at }, 'system'),
    event('MessagePosted', { messageId: first, authorId: 'alice', text: 'hi', contentWarning: null, replyTo: null, postedAt: at }, 'alice'),
    event('MessagePosted', { messageId: second, authorId: 'max', text: 'hello', contentWarning: null, replyTo: first, postedAt: at }, 'max'),
    event('MessageReported', { reportId: randomUUID(), messageId: second, authorId: 'max', reporterId: 'alice', reason: 'pushy', reportedAt: at }, 'alice'),
    event('MemberMuted', { userId: 'max', reason: 'pause', mutedUntil: '2026-01-05T11:00:00.000Z', by: 'dr-kim', mutedAt: at }, 'dr-kim'),
    event('RoomArchived', { by: 'system', archivedAt: at }, 'system'),
  ];
}

/**
 * A family session's room: opened by the system for a participant and its host, a guest admitted, talking, a mute by
 * the host, the guest turned away, another admitted and removed by the host, closed with its session.
 */
export function familySessionRoomLife(roomId: string): NewEvent[] {
  const [first, second] = [randomUUID(), randomUUID()];
  return [
    event('FamilySessionRoomOpened', { roomId, sessionId: randomUUID(), participantId: 'alice', hostId: 'dr-kim', openedAt: at }, 'system'),
    event('MemberJoined', { userId: 'family-inv-1', role: 'family', joinedAt: at }, 'system'),
    event('MessagePosted', { messageId: first, authorId: 'family-inv-1', text: 'hi', contentWarning: null, replyTo: null, postedAt: at }, 'family-inv-1'),
    event('MessagePosted', { messageId: second, authorId: 'alice', text: 'hello', contentWarning: null, replyTo: first, postedAt: at }, 'alice'),
    event('MessageReported', { reportId: randomUUID(), messageId: second, authorId: 'alice', reporterId: 'family-inv-1', reason: 'unkind', reportedAt: at }, 'family-inv-1'),
    event('MemberMuted', { userId: 'family-inv-1', reason: 'pause', mutedUntil: '2026-01-05T11:00:00.000Z', by: 'dr-kim', mutedAt: at }, 'dr-kim'),
    event('MemberRemoved', { userId: 'family-inv-1', reason: 'turned away', by: 'system', removedAt: at }, 'system'),
    event('MemberJoined', { userId: 'family-inv-2', role: 'family', joinedAt: at }, 'system'),
    event('MemberRemoved', { userId: 'family-inv-2', reason: 'asked to leave', by: 'dr-kim', removedAt: at }, 'dr-kim'),
    event('RoomArchived', { by: 'system', archivedAt: at }, 'system'),
  ];
}

export function safetyLife(alertId: string): NewEvent[] {
  const conversation = { kind: 'room', id: 'r1' };
  return [
    event('SafetyAlertRaised', { alertId, conversation, userId: 'bob', source: 'screening', heldMessage: { messageId: 'm', text: 't', contentWarning: null, replyTo: null, edit: false }, categories: ['self_harm'], raisedAt: at, escalateAt: at }, 'system'),
    event('SafetyAlertAcknowledged', { alertId, conversation, userId: 'bob', by: 'dr-kim', acknowledgedAt: at }, 'dr-kim'),
  ];
}

/** A participant's requests and a pairing, with the pair's room opened and closed in the rooms context. */
export async function appendMentoringLife(storage: Storage): Promise<void> {
  const [first, second, pairingId, roomId] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
  const wishes = { participantId: 'pat', topics: ['sleep'], language: 'en', availability: 'evenings', note: null, excludedMentors: [], requestedAt: at };
  const mentee = `mentee-pat-${randomUUID()}`;
  await storage.events.append(mentee, [
    event('MentorRequested', { requestId: first, ...wishes }, 'pat'),
    event('MentorRequestDeclined', { requestId: first, participantId: 'pat', mentorId: 'max', declinedAt: at }, 'max'),
    event('MentorRequestCancelled', { requestId: first, participantId: 'pat', cancelledAt: at }, 'pat'),
    event('MentorRequested', { requestId: second, ...wishes }, 'pat'),
    event('PairingStarted', { pairingId, requestId: second, participantId: 'pat', mentorId: 'mona', roomId, startedAt: at }, 'mona'),
  ], 'no_stream');
  await storage.events.append(`room-${roomId}`, [event('PairRoomOpened', { roomId, pairingId, participantId: 'pat', mentorId: 'mona', openedAt: at }, 'system')], 'no_stream');
  await storage.events.append(mentee, [
    event('PairingEnded', { pairingId, participantId: 'pat', mentorId: 'mona', roomId, endedBy: 'pat', reason: null, rematch: false, endedAt: at }, 'pat'),
  ], 4);
  await storage.events.append(`room-${roomId}`, [event('RoomArchived', { by: 'system', archivedAt: at }, 'system')], 0);
}

export async function appendAll(storage: Storage): Promise<void> {
  for (let r = 0; r < 3; r++) await storage.events.append(`room-${randomUUID()}`, roomLife(randomUUID()), 'no_stream');
  await storage.events.append(`safety-${randomUUID()}`, safetyLife(randomUUID()), 'no_stream');
  await appendMentoringLife(storage);
}

/** What the live follower does: every event through projectEvent, in position order. */
export async function projectLive(storage: Storage, after = 0, appendedHere = false): Promise<void> {
  for (const recorded of await storage.events.readAll({ after, limit: 10_000 })) {
    await projectEvent(storage.sql, READ_MODELS, recorded, { appendedHere });
  }
}

/** the read model without its set-based rebuild or its types, so that a rebuild reads every event and applies it */
export const eventByEvent = (projection: Projection): Projection => ({ ...projection, applyRangeFromEventsTable: undefined, eventTypes: undefined });

/**
 * A read model that records each position it is applied to, and fails if it is applied to one twice or to one before
 * a position it has seen (out of order).
 */
export function positionsSeen(name: string): Projection {
  return {
    name,
    tables: [`seen_${name}`],
    async migrate(db) {
      await db.execute(`create table if not exists seen_${name} (position bigint primary key)`);
    },
    async apply(tx, recorded) {
      const [{ last }] = await tx.query<{ last: number | string | null }>(`select max(position) as last from seen_${name}`);
      if (last !== null && Number(last) > recorded.position) throw new Error(`seen_${name}: ${recorded.position} applied after ${last}`);
      await tx.execute(`insert into seen_${name} (position) values ($1)`, [recorded.position]);
    },
  };
}

export async function dump(storage: Storage): Promise<Record<string, string[]>> {
  const tables: Record<string, string[]> = {};
  for (const table of TABLES) {
    const rows = await storage.sql.query(`select * from ${table}`);
    tables[table] = rows.map((row) => JSON.stringify(row, (_k, v) => (typeof v === 'bigint' ? Number(v) : v))).sort();
  }
  return tables;
}
