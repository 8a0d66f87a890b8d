import type { Storage } from '../../open-storage';
import { follow, newEvent, type ContractHarness } from './contract-harness';

const WRITERS = 32;
const EVENTS_PER_WRITER = 20;

/** Each writer appends one event at a time to its own stream, with exact expected revisions. */
async function write(storage: Storage, writer: number): Promise<string[]> {
  const ids: string[] = [];
  for (let revision = 0; revision < EVENTS_PER_WRITER; revision += 1) {
    const event = newEvent('Wrote', { writer, revision });
    await storage.events.append(`writer-${writer}`, [event], revision === 0 ? 'no_stream' : revision - 1);
    ids.push(event.id);
  }
  return ids;
}

export function parallelWritersContract(harness: ContractHarness): void {
  describe('parallel writers', () => {
    it(`a follower sees every event of ${WRITERS} concurrent writers exactly once, in position order`, async () => {
      const storage = await harness.fresh();
      // half the writers go through a second connection/pool when the adapter has one, so appends really overlap
      const other = harness.sibling ? await harness.sibling(storage) : storage;
      const follower = follow(storage, 0, async (event) => {
        // yield now and then so the follower's reads interleave with the writers' commits
        if (event.position % 7 === 0) await new Promise((resolve) => setImmediate(resolve));
      });

      const written = (
        await Promise.all(Array.from({ length: WRITERS }, (_, writer) => write(writer % 2 ? other : storage, writer)))
      ).flat();
      const total = WRITERS * EVENTS_PER_WRITER;
      await follower.waitFor(total);
      await follower.subscription.stop();

      const positions = follower.seen.map((event) => event.position);
      const seenIds = new Set(follower.seen.map((event) => event.id));
      expect(follower.seen).toHaveLength(total);
      expect(seenIds.size).toBe(total);
      expect(written.filter((id) => !seenIds.has(id))).toEqual([]);
      positions.slice(1).forEach((position, index) => expect(position).toBeGreaterThan(positions[index]));
      expect(follower.seen).toEqual(await storage.events.readAll({ after: 0, limit: total + 1 }));
      for (let writer = 0; writer < WRITERS; writer += 1) {
        const revisions = follower.seen.filter((event) => event.streamId === `writer-${writer}`).map((event) => event.revision);
        expect(revisions).toEqual(Array.from({ length: EVENTS_PER_WRITER }, (_, revision) => revision));
      }
    }, 30_000);
  });
}
