import { WrongExpectedRevisionError, type NewEvent } from '../event-store';
import { appendOutcome, appendParams, expectedParam, type AppendCall } from './postgres-append';

const event = (id: string): NewEvent => ({
  id,
  type: 'ThingHappened',
  data: { note: 'Évening "group" \\ ✓' },
  metadata: { actorId: 'u-1', commandId: 'c-1', correlationId: 'c-1', causationId: null, occurredAt: '2025-01-02T03:04:05.678Z' },
});

const call = (events: NewEvent[], expectedRevision: AppendCall['expectedRevision'] = 'any'): AppendCall => ({
  streamId: 'room-r1',
  events,
  expectedRevision,
  recordedAt: '2025-06-07T08:09:10.111Z',
});

describe('postgres append (haven_append client side)', () => {
  it('passes any as NULL, no_stream as -1, and a revision no stream can have as one that matches nothing', () => {
    expect(expectedParam('any')).toBeNull();
    expect(expectedParam('no_stream')).toBe(-1);
    expect(expectedParam(-1)).toBe(-1);
    expect(expectedParam(0)).toBe(0);
    expect(expectedParam(41)).toBe(41);
    expect(expectedParam(1.5)).toBe(-2);
    expect(expectedParam(-7)).toBe(-2);
  });

  it('sends the batch as parallel arrays, data and metadata as JSON text', () => {
    const batch = [event('a'), event('b')];
    expect(appendParams(call(batch, 3), 99, 'haven')).toEqual([
      'room-r1',
      3,
      99,
      'haven',
      ['a', 'b'],
      ['ThingHappened', 'ThingHappened'],
      batch.map((one) => JSON.stringify(one.data)),
      batch.map((one) => JSON.stringify(one.metadata)),
      '2025-06-07T08:09:10.111Z',
    ]);
  });

  it('numbers an appended batch from the revision before it and the first position written', () => {
    const batch = [event('a'), event('b'), event('c')];
    const result = appendOutcome({ outcome: 'appended', revision: 4, event_position: '120' }, call(batch));
    expect(result).toEqual({
      nextExpectedRevision: 7,
      lastPosition: 122,
      events: batch.map((one, index) => ({
        ...one,
        streamId: 'room-r1',
        revision: 5 + index,
        position: 120 + index,
        recordedAt: '2025-06-07T08:09:10.111Z',
      })),
    });
    const first = appendOutcome({ outcome: 'appended', revision: -1, event_position: 1 }, call([event('x')], 'no_stream'));
    expect(first).toMatchObject({ nextExpectedRevision: 0, lastPosition: 1, events: [{ revision: 0, position: 1 }] });
  });

  it("answers an empty batch with the stream's last revision and position", () => {
    expect(appendOutcome({ outcome: 'unchanged', revision: 2, event_position: 30 }, call([]))).toEqual({
      nextExpectedRevision: 2,
      lastPosition: 30,
      events: [],
    });
    expect(appendOutcome({ outcome: 'unchanged', revision: -1, event_position: 0 }, call([]))).toEqual({
      nextExpectedRevision: -1,
      lastPosition: 0,
      events: [],
    });
  });

  it('maps a conflict to WrongExpectedRevisionError with the actual revision, -1 being no_stream', () => {
    const stale = () => appendOutcome({ outcome: 'wrong_revision', revision: 5, event_position: null }, call([event('a')], 3));
    expect(stale).toThrow(WrongExpectedRevisionError);
    expect(stale).toThrow(expect.objectContaining({ streamId: 'room-r1', expected: 3, actual: 5 }));
    const missing = () => appendOutcome({ outcome: 'wrong_revision', revision: -1, event_position: null }, call([event('a')], 0));
    expect(missing).toThrow(expect.objectContaining({ expected: 0, actual: 'no_stream' }));
  });

  it('hands stored ids back to the caller, and refuses an answer it does not know', () => {
    expect(appendOutcome({ outcome: 'stored', revision: null, event_position: null }, call([event('a')]))).toBe('stored');
    const odd = { outcome: 'maybe', revision: 1, event_position: 1 } as unknown as Parameters<typeof appendOutcome>[0];
    expect(() => appendOutcome(odd, call([event('a')]))).toThrow(/haven_append answered maybe/);
  });
});
