/**
 * Events shaped exactly like the rooms domain's (libs/rooms/src/domain/room.events.ts), for appending straight to a
 * store: the append and rebuild figures, and the history a catch-up client missed.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { NewEvent } from '@haven/event-store';
import { seal, sealingKey } from '../../libs/personal-data/src/envelope';

const SENTENCES = [
  'Made it through the afternoon without calling in sick, which felt like a win.',
  'The breathing exercise from Tuesday actually helped when the craving hit around six.',
  'Anyone else find weekends harder than weekdays? Too much unstructured time for me.',
  'Thanks for listening yesterday, it meant more than I managed to say.',
  'Going to try the walk-after-dinner idea and report back tomorrow.',
];

/**
 * The app stores a message's words sealed with its author's key (libs/personal-data), about 90 characters longer than
 * the words: so do these, so that the rows appended and rebuilt here are the size of the app's. One key serves all.
 */
const benchKey = sealingKey(randomUUID(), randomBytes(32));
const sealed = (eventId: string, text: string) => seal(benchKey, `${eventId}/text`, text);

export function metadata(actorId: string, occurredAt: string): NewEvent['metadata'] {
  const commandId = randomUUID();
  return { actorId, commandId, correlationId: commandId, causationId: null, occurredAt };
}

export function roomCreated(roomId: string, createdBy: string, at: string): NewEvent {
  return {
    id: randomUUID(),
    type: 'RoomCreated',
    data: { roomId, name: `Evening group ${roomId.slice(0, 4)}`, topic: 'coping between sessions', kind: 'peer_support', capacity: 500, joinRule: 'open', createdBy, creatorRole: 'facilitator', createdAt: at },
    metadata: metadata(createdBy, at),
  };
}

export function memberJoined(userId: string, at: string): NewEvent {
  return { id: randomUUID(), type: 'MemberJoined', data: { userId, role: 'participant', joinedAt: at }, metadata: metadata(userId, at) };
}

export function messagePosted(authorId: string, at: string, index: number, messageId = randomUUID()): NewEvent {
  const id = randomUUID();
  const text = sealed(id, `${SENTENCES[index % SENTENCES.length]} (${index})`);
  return {
    id,
    type: 'MessagePosted',
    data: { messageId, authorId, text, contentWarning: null, replyTo: null, postedAt: at },
    metadata: metadata(authorId, at),
  };
}

export function reactionAdded(messageId: string, userId: string, at: string): NewEvent {
  return { id: randomUUID(), type: 'ReactionAdded', data: { messageId, userId, emoji: '💙', reactedAt: at }, metadata: metadata(userId, at) };
}

export function messageEdited(messageId: string, authorId: string, at: string, index: number): NewEvent {
  const id = randomUUID();
  return {
    id,
    type: 'MessageEdited',
    data: { messageId, authorId, text: sealed(id, `${SENTENCES[(index + 1) % SENTENCES.length]} (edited)`), contentWarning: null, editedAt: at },
    metadata: metadata(authorId, at),
  };
}

export interface SeedRoom {
  roomId: string;
  streamId: string;
  facilitator: string;
  members: string[];
  /** revision of the stream's last event (-1: none yet) */
  revision: number;
  messages: { id: string; authorId: string }[];
}

/**
 * The next `count` events of a room's life: created and joined first, then a realistic chat mix
 * (≈90% messages, reactions, a few edits).
 */
export function nextRoomEvents(room: SeedRoom, count: number, counter: { n: number }): NewEvent[] {
  const at = new Date().toISOString();
  const events: NewEvent[] = [];
  if (room.revision < 0) {
    events.push(roomCreated(room.roomId, room.facilitator, at));
    for (const member of room.members) events.push(memberJoined(member, at));
  }
  while (events.length < count) {
    const i = counter.n++;
    const author = room.members[i % room.members.length];
    const recent = room.messages[room.messages.length - 1 - (i % Math.min(5, Math.max(1, room.messages.length)))];
    if (recent && i % 16 === 5) {
      events.push(reactionAdded(recent.id, room.members[(i + 3) % room.members.length], at));
    } else if (recent && i % 32 === 7) {
      events.push(messageEdited(recent.id, recent.authorId, at, i));
    } else {
      const event = messagePosted(author, at, i);
      room.messages.push({ id: String(event.data.messageId), authorId: author });
      if (room.messages.length > 50) room.messages.shift();
      events.push(event);
    }
  }
  return events;
}

export function seedRooms(count: number, membersPerRoom: number, userPool: number): SeedRoom[] {
  return Array.from({ length: count }, (_, r) => {
    const roomId = randomUUID();
    return {
      roomId,
      streamId: `room-${roomId}`,
      facilitator: `fac-${r % 50}`,
      members: Array.from({ length: membersPerRoom }, (_, m) => `user-${(r * 7 + m * 13) % userPool}`).filter(
        (user, index, all) => all.indexOf(user) === index,
      ),
      revision: -1,
      messages: [],
    };
  });
}
