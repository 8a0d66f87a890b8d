import { follow, newEvent, newEvents, type ContractHarness } from './contract-harness';

export function subscribeContract(harness: ContractHarness): void {
  describe('subscribeToAll', () => {
    it('catches up from the start, then delivers events appended later, in order', async () => {
      const storage = await harness.fresh();
      await storage.events.append('a', newEvents(3), 'no_stream');
      const follower = follow(storage);
      await follower.waitFor(3);
      await storage.events.append('b', newEvents(2), 'no_stream');
      await storage.events.append('a', [newEvent()], 2);
      await follower.waitFor(6);

      expect(follower.seen).toEqual(await storage.events.readAll({ after: 0 }));
      expect(follower.subscription.position).toBe(await storage.events.headPosition());
      await follower.subscription.stop();
    });

    it('lets the event loop turn between full batches while it catches up', async () => {
      const storage = await harness.fresh();
      // more than two batches of the adapters' default size (1,000)
      for (let i = 0; i < 5; i++) await storage.events.append(`s${i}`, newEvents(500), 'no_stream');
      const follower = follow(storage);
      const seenAtTurn = await new Promise<number>((resolve) => setImmediate(() => resolve(follower.seen.length)));
      await follower.waitFor(2500);
      await follower.subscription.stop();
      expect(seenAtTurn).toBeLessThan(2500);
    });

    it('starts after a given position', async () => {
      const storage = await harness.fresh();
      const { events } = await storage.events.append('a', newEvents(6), 'no_stream');
      const follower = follow(storage, events[2].position);
      await follower.waitFor(3);
      expect(follower.seen.map((event) => event.id)).toEqual(events.slice(3).map((event) => event.id));
      await follower.subscription.stop();
    });

    it('delivers nothing after stop() resolves', async () => {
      const storage = await harness.fresh();
      await storage.events.append('a', newEvents(2), 'no_stream');
      const stopped = follow(storage);
      await stopped.waitFor(2);
      await stopped.subscription.stop();

      await storage.events.append('a', newEvents(3), 1);
      // a second follower seeing the new events gives the stopped one every chance to (wrongly) see them too
      const witness = follow(storage);
      await witness.waitFor(5);
      await witness.subscription.stop();
      expect(stopped.seen).toHaveLength(2);
      expect(stopped.subscription.position).toBe(stopped.seen[1].position);
    });

    it('stops and reports the error when onEvent throws', async () => {
      const storage = await harness.fresh();
      await storage.events.append('a', newEvents(3), 'no_stream');
      const delivered: number[] = [];
      const failure = new Error('projection broke');
      const reported = new Promise<unknown>((resolve) => {
        const subscription = storage.events.subscribeToAll({
          after: 0,
          onEvent: (event) => {
            delivered.push(event.position);
            if (delivered.length === 2) throw failure;
          },
          onError: (error) => resolve({ error, position: subscription.position }),
        });
      });
      const { error, position } = (await reported) as { error: unknown; position: number };
      expect(error).toBe(failure);
      expect(delivered).toHaveLength(2);
      expect(position).toBe(delivered[0]);
    });

    it('sees events appended through another connection to the same store', async () => {
      if (!harness.sibling) return;
      const storage = await harness.fresh();
      const other = await harness.sibling(storage);
      const follower = follow(storage);
      await other.events.append('elsewhere', newEvents(2), 'no_stream');
      await follower.waitFor(2);
      expect(follower.seen.map((event) => event.streamId)).toEqual(['elsewhere', 'elsewhere']);
      await follower.subscription.stop();
    });

    it('takes events appended in this process from the append, without reading them back (SQL adapters)', async () => {
      const storage = await harness.fresh();
      if (storage.events.kind === 'kurrentdb') return; // its catch-up reads the server; nothing handed over yet
      await storage.events.append('a', newEvents(3), 'no_stream');
      const follower = follow(storage);
      await follower.waitFor(3);
      const store = storage.events as { readAll: typeof storage.events.readAll };
      const original = store.readAll.bind(storage.events);
      let reads = 0;
      store.readAll = (options) => (reads++, original(options));
      for (let i = 0; i < 20; i++) await storage.events.append(`s-${i}`, newEvents(2), 'no_stream');
      await follower.waitFor(43);
      expect(follower.seen).toEqual(await original({ after: 0 }));
      // the poll (every 250-500 ms) may read once or twice while the test runs; one read per append would be 20
      expect(reads).toBeLessThan(5);
      await follower.subscription.stop();
    });

    it("says which events it took from this process's appends and which from the log", async () => {
      const storage = await harness.fresh();
      const other = harness.sibling ? await harness.sibling(storage) : undefined;
      await storage.events.append('before', newEvents(2), 'no_stream');
      const origins: boolean[] = [];
      // each append is made inside onEvent, so the loop finds it as soon as that returns: no poll can come between
      const follower = follow(storage, 0, async (_event, { appendedHere }) => {
        origins.push(appendedHere);
        if (origins.length === 2) await storage.events.append('here', newEvents(2), 'no_stream');
        if (origins.length === 4 && other) await other.events.append('there', newEvents(2), 'no_stream');
      });
      await follower.waitFor(other ? 6 : 4);
      await follower.subscription.stop();
      // only the SQL adapters hand their appends over (KurrentDB's catch-up reads the server)
      const handsOver = storage.events.kind !== 'kurrentdb';
      // the two appended before it subscribed were appended here too, and are still at hand
      expect(origins).toEqual([handsOver, handsOver, handsOver, handsOver, ...(other ? [false, false] : [])]);
      expect(follower.seen).toEqual(await storage.events.readAll({ after: 0 }));
    });

    it('delivers every event once, in order, when this process and another connection append in turns', async () => {
      if (!harness.sibling) return;
      const storage = await harness.fresh();
      const other = await harness.sibling(storage);
      const follower = follow(storage);
      for (let i = 0; i < 10; i++) {
        await storage.events.append(`here-${i}`, newEvents(2), 'no_stream');
        await other.events.append(`there-${i}`, newEvents(i % 3), 'any');
      }
      const total = await storage.events.headPosition();
      await follower.waitFor(total);
      expect(follower.seen.map((event) => event.position)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
      expect(follower.seen).toEqual(await storage.events.readAll({ after: 0 }));
      await follower.subscription.stop();
    });
  });
}
