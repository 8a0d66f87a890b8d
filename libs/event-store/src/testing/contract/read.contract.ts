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

    it('reads only the types asked for, paging over what is left', async () => {
      const { events } = await harness.fresh();
      for (let i = 0; i < 12; i += 1) {
        await events.append(`s${i % 3}`, [newEvent(['Ticked', 'Tocked', 'Rang'][i % 3], { i })], 'any');
      }
      const everything = await events.readAll({ after: 0 });
      const wanted = everything.filter((event) => event.type !== 'Tocked');
      expect(await events.readAll({ after: 0, types: ['Ticked', 'Rang'] })).toEqual(wanted);
      const pages: RecordedEvent[][] = [];
      for (let after = 0; ; ) {
        const page = await events.readAll({ after, limit: 3, types: ['Rang', 'Ticked'] });
        if (page.length === 0) break;
        pages.push(page);
        after = page[page.length - 1].position;
      }
      expect(pages.map((page) => page.length)).toEqual([3, 3, 2]);
      expect(pages.flat()).toEqual(wanted);
      expect(await events.readAll({ after: 0, types: ['Missing'] })).toEqual([]);
      expect(await events.readAll({ after: 0, types: [] })).toEqual([]);
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
