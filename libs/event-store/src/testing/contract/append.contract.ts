import { DuplicateEventIdError, WrongExpectedRevisionError } from '../../event-store';
import { newEvent, newEvents, type ContractHarness } from './contract-harness';

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected the append to be rejected');
    },
    (error: unknown) => error,
  );
}

export function appendContract(harness: ContractHarness): void {
  describe('append', () => {
    it('stores every field and reads it back from the stream and the log', async () => {
      const { events } = await harness.fresh();
      const before = Date.now();
      const first = newEvent('RoomOpened', { roomId: 'r-1', title: 'Évening group ✓', seats: 8, open: true, tags: ['a'], note: null });
      const second = newEvent('MemberJoined', { roomId: 'r-1', member: { id: 'u-2', role: 'participant' } });
      const result = await events.append('room-r-1', [first, second], 'no_stream');

      expect(result.nextExpectedRevision).toBe(1);
      expect(result.events).toHaveLength(2);
      const [one, two] = result.events;
      expect(one).toEqual({ ...first, streamId: 'room-r-1', revision: 0, position: one.position, recordedAt: one.recordedAt });
      expect(two).toEqual({ ...second, streamId: 'room-r-1', revision: 1, position: two.position, recordedAt: two.recordedAt });
      expect(one.position).toBeGreaterThan(0);
      expect(two.position).toBeGreaterThan(one.position);
      expect(result.lastPosition).toBe(two.position);
      expect(await events.headPosition()).toBe(two.position);
      for (const event of result.events) {
        expect(new Date(event.recordedAt).toISOString()).toBe(event.recordedAt);
        expect(Date.parse(event.recordedAt)).toBeGreaterThanOrEqual(before - 1000);
        expect(Date.parse(event.recordedAt)).toBeLessThanOrEqual(Date.now() + 1000);
      }
      expect(await events.readStream('room-r-1')).toEqual(result.events);
      expect(await events.readAll({ after: 0 })).toEqual(result.events);
    });

    it('reads nothing from an empty store or an unknown stream', async () => {
      const { events } = await harness.fresh();
      expect(await events.headPosition()).toBe(0);
      expect(await events.readAll({ after: 0 })).toEqual([]);
      expect(await events.readStream('nobody')).toEqual([]);
    });

    it('no_stream rejects an existing stream with the actual revision', async () => {
      const { events } = await harness.fresh();
      await events.append('s', [newEvent()], 'no_stream');
      const error = await rejection(events.append('s', [newEvent()], 'no_stream'));
      expect(error).toBeInstanceOf(WrongExpectedRevisionError);
      expect(error).toMatchObject({ code: 'STORE.WRONG_EXPECTED_REVISION', streamId: 's', expected: 'no_stream', actual: 0 });
      expect(await events.readStream('s')).toHaveLength(1);
    });

    it('an exact revision must match the last revision', async () => {
      const { events } = await harness.fresh();
      const missing = await rejection(events.append('s', [newEvent()], 0));
      expect(missing).toMatchObject({ streamId: 's', expected: 0, actual: 'no_stream' });
      await events.append('s', [newEvent(), newEvent()], 'no_stream');
      const appended = await events.append('s', [newEvent()], 1);
      expect(appended.nextExpectedRevision).toBe(2);
      const stale = await rejection(events.append('s', [newEvent()], 1));
      expect(stale).toBeInstanceOf(WrongExpectedRevisionError);
      expect(stale).toMatchObject({ streamId: 's', expected: 1, actual: 2 });
      expect((await events.readStream('s')).map((event) => event.revision)).toEqual([0, 1, 2]);
    });

    it('any appends to a new or an existing stream', async () => {
      const { events } = await harness.fresh();
      expect((await events.append('s', [newEvent()], 'any')).nextExpectedRevision).toBe(0);
      expect((await events.append('s', [newEvent()], 'any')).nextExpectedRevision).toBe(1);
    });

    it('an empty batch appends nothing and returns the current revision', async () => {
      const { events } = await harness.fresh();
      expect((await events.append('s', [], 'any')).nextExpectedRevision).toBe(-1);
      const stored = await events.append('s', [newEvent()], 'no_stream');
      const head = await events.headPosition();
      const empty = await events.append('s', [], 0);
      expect(empty).toEqual({ nextExpectedRevision: 0, lastPosition: stored.lastPosition, events: [] });
      expect(await events.headPosition()).toBe(head);
    });

    it('of two concurrent appends at the same expected revision exactly one wins', async () => {
      const { events } = await harness.fresh();
      const streams = Array.from({ length: 8 }, (_, index) => `race-${index}`);
      await Promise.all(streams.map((stream) => events.append(stream, [newEvent()], 'no_stream')));
      const outcomes = await Promise.all(
        streams.map((stream) =>
          Promise.allSettled([events.append(stream, [newEvent()], 0), events.append(stream, [newEvent()], 0)]),
        ),
      );
      for (const [index, pair] of outcomes.entries()) {
        expect(pair.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
        const [lost] = pair.filter((outcome) => outcome.status === 'rejected');
        expect(lost.reason).toBeInstanceOf(WrongExpectedRevisionError);
        expect(lost.reason).toMatchObject({ streamId: streams[index], expected: 0, actual: 1 });
        expect(await events.readStream(streams[index])).toHaveLength(2);
      }
    });
  });

  describe('idempotent append by event id', () => {
    it('a repeated batch returns the first result and appends nothing, whatever the expected revision', async () => {
      const { events } = await harness.fresh();
      const batch = newEvents(2);
      const first = await events.append('s', batch, 'no_stream');
      await events.append('other', [newEvent()], 'no_stream');
      const head = await events.headPosition();
      for (const expected of ['no_stream', 'any', 0, 7] as const) {
        expect(await events.append('s', batch, expected)).toEqual(first);
      }
      expect(await events.headPosition()).toBe(head);
      expect(await events.readStream('s')).toEqual(first.events);
    });

    it('a batch that is only partly stored, reordered, or stored in another stream is a DuplicateEventIdError', async () => {
      const { events } = await harness.fresh();
      const [a, b] = newEvents(2);
      await events.append('s', [a, b], 'no_stream');
      const head = await events.headPosition();
      const partial = await rejection(events.append('s', [b, newEvent()], 'any'));
      expect(partial).toBeInstanceOf(DuplicateEventIdError);
      expect(partial).toMatchObject({ code: 'STORE.DUPLICATE_EVENT_ID', eventId: b.id });
      await expect(events.append('s', [b, a], 'any')).rejects.toBeInstanceOf(DuplicateEventIdError);
      // a stored id after new ones, at the right and at a wrong expected revision: none of the batch is kept
      const late = await rejection(events.append('s', [newEvent(), newEvent(), a], 1));
      expect(late).toMatchObject({ code: 'STORE.DUPLICATE_EVENT_ID', eventId: a.id });
      await expect(events.append('s', [newEvent(), a], 5)).rejects.toBeInstanceOf(DuplicateEventIdError);
      await expect(events.append('elsewhere', [a, b], 'any')).rejects.toBeInstanceOf(DuplicateEventIdError);
      const repeated = newEvent();
      await expect(events.append('s', [repeated, repeated], 'any')).rejects.toBeInstanceOf(DuplicateEventIdError);
      expect(await events.headPosition()).toBe(head);
      expect(await events.readStream('elsewhere')).toEqual([]);
    });
  });
}
