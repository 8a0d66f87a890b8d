import {
  ANY,
  END,
  ErrorType,
  NO_STREAM,
  START,
  STREAM_NAME,
  StreamNotFoundError,
  WrongExpectedVersionError,
  type AllStreamResolvedEvent,
  type PrefixesFilter,
} from '@kurrent/kurrentdb-client';
import { WrongExpectedRevisionError, type NewEvent } from '../event-store';
import {
  HAVEN_STREAM_PREFIXES,
  fromKurrentEvent,
  havenStreamFilter,
  havenStreamId,
  isStreamNotFound,
  kurrentStreamName,
  pageAfter,
  positionOf,
  streamScope,
  toBackwardReadPosition,
  toEventData,
  toHavenEvent,
  toPosition,
  toReadPosition,
  toReadRevision,
  toRevision,
  toStreamState,
  toWrongExpectedRevision,
} from './kurrentdb-mapping';

const metadata = {
  actorId: 'user-1',
  commandId: 'cmd-1',
  correlationId: 'cmd-1',
  causationId: null,
  occurredAt: '2025-01-02T03:04:05.678Z',
};

/** What the client yields for one self-committed event read from `$all`. */
function resolved(
  position: number,
  overrides: { streamId?: string; type?: string; revision?: bigint; id?: string } = {},
): AllStreamResolvedEvent {
  const at = BigInt(position);
  return {
    event: {
      streamId: overrides.streamId ?? 'room-r1',
      id: overrides.id ?? `00000000-0000-4000-8000-${String(position).padStart(12, '0')}`,
      isJson: true,
      revision: overrides.revision ?? 0n,
      type: overrides.type ?? 'RoomOpened',
      created: new Date('2025-03-04T05:06:07.089Z'),
      data: { roomId: 'r1', title: 'Évening ✓' },
      metadata,
      position: { commit: at, prepare: at },
    },
    commitPosition: at,
  };
}

/** A `$>` link record, as `$all` carries it in a `$ce-` stream when links are resolved. */
function linkAt(position: number): NonNullable<AllStreamResolvedEvent['link']> {
  const { event } = resolved(position, { streamId: '$ce-room', type: '$>' });
  return { ...event!, type: '$>', isJson: false, data: new TextEncoder().encode('0@room-r1'), metadata: {} };
}

describe('kurrentdb mapping', () => {
  describe('positions', () => {
    it('uses the log offset of a self-committed event as the position, and reads from it back', () => {
      expect(toPosition({ commit: 1_234n, prepare: 1_234n })).toBe(1_234);
      expect(toReadPosition(1_234)).toEqual({ commit: 1_234n, prepare: 1_234n });
      for (const position of [1, 98_765, Number.MAX_SAFE_INTEGER]) {
        expect(toPosition(toReadPosition(position) as { commit: bigint; prepare: bigint })).toBe(position);
      }
    });

    it('reads from the start for 0 and refuses what is not a position', () => {
      expect(toReadPosition(0)).toBe(START);
      expect(() => toReadPosition(-1)).toThrow(RangeError);
      expect(() => toReadPosition(1.5)).toThrow(RangeError);
      expect(() => toReadPosition(Number.MAX_SAFE_INTEGER + 1)).toThrow(RangeError);
    });

    it('reads backwards from the end, or from before a position', () => {
      expect(toBackwardReadPosition(undefined)).toBe(END);
      expect(toBackwardReadPosition(77)).toEqual({ commit: 77n, prepare: 77n });
    });

    it('refuses positions it cannot express as one safe number, rather than rounding them', () => {
      expect(() => toPosition({ commit: 2n ** 53n, prepare: 2n ** 53n })).toThrow(RangeError);
      expect(() => toPosition({ commit: 0n, prepare: 0n })).toThrow(RangeError);
      expect(() => toPosition({ commit: 500n, prepare: 420n })).toThrow(/not self-committed/);
      expect(() => toPosition(undefined)).toThrow(/without a position/);
    });

    it('takes a resolved event position from the event, or from the link when there is one', () => {
      expect(positionOf(resolved(321))).toBe(321);
      expect(positionOf({ ...resolved(321), link: linkAt(900) })).toBe(900);
    });
  });

  describe('reading after a position', () => {
    const scope = streamScope('', HAVEN_STREAM_PREFIXES);

    it('drops the event at `after` (a read from a position includes it) and everything before', () => {
      const page = [resolved(100), resolved(150), resolved(200)];
      const { events, cursor } = pageAfter(scope, page, 100);
      expect(events.map((event) => event.position)).toEqual([150, 200]);
      expect(cursor).toBe(200);
    });

    it('moves the cursor past events it does not return', () => {
      const page = [
        resolved(10),
        resolved(20, { type: '$streamDeleted' }),
        resolved(30, { streamId: 'billing-1' }),
        resolved(40, { streamId: '$$room-r1', type: '$metadata' }),
      ];
      expect(pageAfter(scope, page, 0)).toEqual({ events: [expect.objectContaining({ position: 10 })], cursor: 40 });
      expect(pageAfter(scope, [], 55)).toEqual({ events: [], cursor: 55 });
    });
  });

  describe('revisions', () => {
    it('maps stream revisions to numbers', () => {
      expect(toRevision(0n)).toBe(0);
      expect(toRevision(41n)).toBe(41);
      expect(toRevision(-1n)).toBe(-1);
      expect(() => toRevision(2n ** 53n)).toThrow(RangeError);
    });

    it('maps expected revisions to stream states', () => {
      expect(toStreamState('any')).toBe(ANY);
      expect(toStreamState('no_stream')).toBe(NO_STREAM);
      expect(toStreamState(-1)).toBe(NO_STREAM);
      expect(toStreamState(0)).toBe(0n);
      expect(toStreamState(17)).toBe(17n);
      expect(() => toStreamState(-2)).toThrow(RangeError);
      expect(() => toStreamState(1.5)).toThrow(RangeError);
    });

    it('reads a stream from the start for revision 0, else from that revision', () => {
      expect(toReadRevision(0)).toBe(START);
      expect(toReadRevision(1)).toBe(1n);
      expect(toReadRevision(Number.MAX_SAFE_INTEGER)).toBe(BigInt(Number.MAX_SAFE_INTEGER));
    });
  });

  describe('errors', () => {
    it('turns WrongExpectedVersionError into our conflict, with our stream id and expected revision', () => {
      const error = new WrongExpectedVersionError(undefined, { streamName: 'ns-room-r1', expected: 1n, current: 2n });
      const mapped = toWrongExpectedRevision(error, 'room-r1', 1);
      expect(mapped).toBeInstanceOf(WrongExpectedRevisionError);
      expect(mapped).toMatchObject({ code: 'STORE.WRONG_EXPECTED_REVISION', streamId: 'room-r1', expected: 1, actual: 2 });
    });

    it('reports a missing stream as no_stream', () => {
      const error = new WrongExpectedVersionError(undefined, { streamName: 's', expected: 0n, current: NO_STREAM });
      expect(toWrongExpectedRevision(error, 's', 0)).toMatchObject({ expected: 0, actual: 'no_stream' });
      const raw = { type: ErrorType.WRONG_EXPECTED_VERSION, streamName: 's', expectedState: -1n, actualState: -1n };
      expect(toWrongExpectedRevision(raw, 's', 'no_stream')).toMatchObject({ expected: 'no_stream', actual: 'no_stream' });
    });

    it('leaves every other error alone', () => {
      expect(toWrongExpectedRevision(new Error('unavailable'), 's', 0)).toBeUndefined();
      expect(toWrongExpectedRevision(new StreamNotFoundError(undefined, 's'), 's', 0)).toBeUndefined();
      expect(toWrongExpectedRevision(undefined, 's', 0)).toBeUndefined();
    });

    it('recognises a stream that was never written', () => {
      expect(isStreamNotFound(new StreamNotFoundError(undefined, 's'))).toBe(true);
      expect(isStreamNotFound({ type: ErrorType.STREAM_NOT_FOUND })).toBe(true);
      expect(isStreamNotFound(new Error('boom'))).toBe(false);
    });
  });

  describe('events', () => {
    it('writes JSON data with our metadata as JSON metadata', () => {
      const event: NewEvent = { id: '7c9e6679-7425-40de-944b-e07fc1f90ae7', type: 'RoomOpened', data: { roomId: 'r1' }, metadata };
      expect(toEventData(event)).toEqual({
        id: event.id,
        contentType: 'application/json',
        type: 'RoomOpened',
        data: { roomId: 'r1' },
        metadata,
      });
    });

    it('reads every field back, recordedAt from the server-side created time', () => {
      const { event } = resolved(4_096, { revision: 3n, id: '7c9e6679-7425-40de-944b-e07fc1f90ae7' });
      expect(fromKurrentEvent(event!, 'room-r1')).toEqual({
        id: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
        streamId: 'room-r1',
        revision: 3,
        position: 4_096,
        type: 'RoomOpened',
        data: { roomId: 'r1', title: 'Évening ✓' },
        metadata,
        recordedAt: '2025-03-04T05:06:07.089Z',
      });
    });

    it('refuses events that are not JSON with JSON metadata', () => {
      const { event } = resolved(1);
      expect(() => fromKurrentEvent({ ...event!, isJson: false, data: new Uint8Array([1]) }, 'room-r1')).toThrow(/not a Haven event/);
      expect(() => fromKurrentEvent({ ...event!, metadata: undefined }, 'room-r1')).toThrow(/not a Haven event/);
    });

    it('strips the namespace and skips links, system event types and streams of other stores', () => {
      const scope = streamScope('t1-', ['']);
      expect(toHavenEvent(scope, resolved(5, { streamId: 't1-s' }))).toMatchObject({ streamId: 's', position: 5 });
      expect(toHavenEvent(scope, resolved(6, { streamId: 't2-s' }))).toBeUndefined();
      expect(toHavenEvent(scope, resolved(7, { streamId: 't1-s', type: '$streamDeleted' }))).toBeUndefined();
      expect(toHavenEvent(scope, { commitPosition: 8n })).toBeUndefined();
      expect(toHavenEvent(scope, { ...resolved(9, { streamId: 't1-s' }), link: linkAt(10) })).toBeUndefined();
    });
  });

  describe('which streams are ours', () => {
    it('filters $all on the server by the product stream prefixes', () => {
      const filter = havenStreamFilter(streamScope()) as PrefixesFilter;
      expect(filter.filterOn).toBe(STREAM_NAME);
      expect(filter.prefixes).toEqual(HAVEN_STREAM_PREFIXES);
      expect(filter.prefixes).toEqual(expect.arrayContaining(['room-', 'safety-', 'mentee-', 'mentor-profile-', 'session-', 'person-', 'hidden-people-']));
      expect(filter.checkpointInterval).toBeGreaterThan(0);
      expect((havenStreamFilter(streamScope('t9-')) as PrefixesFilter).prefixes).toEqual(HAVEN_STREAM_PREFIXES.map((prefix) => `t9-${prefix}`));
    });

    it('names streams inside the namespace and refuses ids $all would never show', () => {
      expect(kurrentStreamName(streamScope(), 'room-r1')).toBe('room-r1');
      expect(kurrentStreamName(streamScope('t9-'), 'mentee-p1')).toBe('t9-mentee-p1');
      expect(() => kurrentStreamName(streamScope(), 'billing-1')).toThrow(/outside the Haven stream prefixes/);
      expect(() => kurrentStreamName(streamScope('', ['']), '$settings')).toThrow(/outside/);
      expect(kurrentStreamName(streamScope('t9-', ['']), 's')).toBe('t9-s');
    });

    it('maps stream names back, only for this store', () => {
      expect(havenStreamId(streamScope(), 'session-x')).toBe('session-x');
      expect(havenStreamId(streamScope(), '$ce-room')).toBeUndefined();
      expect(havenStreamId(streamScope(), 'billing-1')).toBeUndefined();
      expect(havenStreamId(streamScope('t9-'), 'room-r1')).toBeUndefined();
      expect(havenStreamId(streamScope('t9-'), 't9-room-r1')).toBe('room-r1');
    });

    it('refuses a namespace in system streams and an empty prefix list', () => {
      expect(() => streamScope('$x')).toThrow(/system streams/);
      expect(() => streamScope('', [])).toThrow(/at least one prefix/);
    });
  });
});
