/**
 * Diagnostic for figure 1b, in this process: what folding a room's whole stream costs. The command handler keeps folded
 * states (libs/command-handling handleCommand's fold cache), so a full fold is paid by the first command to a stream
 * after a start, or after the stream's state was evicted from the cache.
 */
import type { RecordedEvent } from '@haven/event-store';
import { roomDecider } from '@haven/rooms/domain/room.decider';
import type { RoomEvent } from '@haven/rooms/domain/room.events';
import { memberJoined, messagePosted, roomCreated } from './events';
import { nowMs } from './stats';

function roomStream(messages: number): RecordedEvent[] {
  const at = new Date().toISOString();
  const members = Array.from({ length: 9 }, (_, i) => `user-${i}`);
  const events = [roomCreated('fold-room', 'fac-0', at), ...members.map((m) => memberJoined(m, at))];
  for (let i = 0; i < messages; i++) events.push(messagePosted(members[i % members.length], at, i));
  return events.map((event, index) => ({ ...event, streamId: 'room-fold-room', revision: index, position: index + 1, recordedAt: at }));
}

/** Median time of three folds (after one warm-up fold) of a room stream holding `messages` messages. */
export function foldMs(messages: number): number {
  const stream = roomStream(messages) as unknown as RoomEvent[];
  const fold = () => stream.reduce((state, event) => roomDecider.evolve(state, event), roomDecider.initialState());
  fold();
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const started = nowMs();
    fold();
    times.push(nowMs() - started);
  }
  return times.sort((a, b) => a - b)[1];
}
