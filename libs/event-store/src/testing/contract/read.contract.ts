import type { RecordedEvent } from '../../event-store';
import { newEvent, newEvents, type ContractHarness } from './contract-harness';

function expectStrictlyIncreasing(positions: number[]): void {
  positions.slice(1).forEach((position, index) => expect(position).toBeGreaterThan(positions[index]));
}

export function readContract(harness: ContractHarness): void {
  describe('reading the log', () => {
    it('orders events of all streams by position, in append order', async () => {
      const { events } = await harness.fresh();
      const appended: RecordedEvent[] = [];
      for (let round = 0; round < 4; round += 1) {
        for (const stream of ['a', 'b', 'c']) {
          appended.push(...(await events.append(stream, [newEvent('Ticked', { stream, round })], 'any')).events);
        }
      }
      const all = await events.readAll({ after: 0 });
      expect(all).toEqual(appended);
      expectStrictlyIncreasing(all.map((event) => event.position));
      expect((await events.readStream('b')).map((event) => event.data)).toEqual(
        [0, 1, 2, 3].map((round) => ({ stream: 'b', round })),
      );
    });

    it('pages with after and limit', async () => {
      const { events } = await harness.fresh();
      await events.append('one', newEvents(13), 'no_stream');
      await events.append('two', newEvents(12), 'no_stream');
      const everything = await events.readAll({ after: 0 });
      expect(everything).toHaveLength(25);

      const pages: RecordedEvent[][] = [];
      let after = 0;
      for (;;) {
        const page = await events.readAll({ after, limit: 10 });
        if (page.length === 0) break;
        pages.push(page);
        after = page[page.length - 1].position;
      }
      expect(pages.map((page) => page.length)).toEqual([10, 10, 5]);
      expect(pages.flat()).toEqual(everything);
      expect(await events.readAll({ after: everything[19].position })).toEqual(everything.slice(20));
      expect(await events.readAll({ after: await events.headPosition() })).toEqual([]);
    });

    it('reads a stream from a revision: its tail, nothing past the end, nothing for a missing stream', async () => {
      const { events } = await harness.fresh();
      const { events: stored } = await events.append('s', newEvents(5), 'no_stream');
      await events.append('other', newEvents(2), 'no_stream');
      expect(await events.readStream('s', { fromRevision: 3 })).toEqual(stored.slice(3));
      expect(await events.readStream('s', { fromRevision: 4 })).toEqual(stored.slice(4));
      expect(await events.readStream('s', { fromRevision: 0 })).toEqual(stored);
      expect(await events.readStream('s', {})).toEqual(stored);
      expect(await events.readStream('s', { fromRevision: 5 })).toEqual([]);
      expect(await events.readStream('s', { fromRevision: 1000 })).toEqual([]);
      expect(await events.readStream('missing', { fromRevision: 0 })).toEqual([]);
      expect(await events.readStream('missing', { fromRevision: 2 })).toEqual([]);
      await expect(events.readStream('s', { fromRevision: -1 })).rejects.toThrow(RangeError);
      await expect(events.readStream('s', { fromRevision: 1.5 })).rejects.toThrow(RangeError);
    });

    it('reads at most 1000 events when no limit is given', async () => {
      const { events } = await harness.fresh();
      await events.append('bulk', newEvents(1005), 'no_stream');
      expect(await events.readAll({ after: 0 })).toHaveLength(1000);
    });
  });
}
