import { startDeadlinePoller } from './deadline-poller';

/** a promise and the function that settles it */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

describe('startDeadlinePoller', () => {
  it('answers a tick asked for during a poll with a poll after it, which reads what is due then, and counts what it fired', async () => {
    const first = gate();
    let due = ['a'];
    const reads: string[][] = [];
    const fired: string[] = [];
    const poller = startDeadlinePoller<string>({
      intervalMs: 60_000,
      due: async () => {
        const now = due;
        reads.push(now);
        if (reads.length === 1) await first.opened;
        return now;
      },
      fire: async (d) => void fired.push(d),
      onError: () => undefined,
    });
    try {
      const underWay = poller.tick();
      // the clock moved while the first poll had already read: b is due now, and two callers ask for a poll
      due = ['b', 'c'];
      const after = [poller.tick(), poller.tick()];
      first.open();
      expect(await underWay).toBe(1);
      // one poll after the one under way, shared by both callers, not one each
      expect(await Promise.all(after)).toEqual([2, 2]);
      expect(reads).toEqual([['a'], ['b', 'c']]);
      expect(fired).toEqual(['a', 'b', 'c']);
      expect(await poller.tick()).toBe(2);
    } finally {
      poller.stop();
    }
  });

  it('keeps polling after a poll that failed, telling only the error name', async () => {
    const errors: string[] = [];
    let fail = true;
    const poller = startDeadlinePoller<string>({
      intervalMs: 60_000,
      due: async () => {
        if (fail) throw new TypeError('quoting health data');
        return ['x'];
      },
      fire: async () => undefined,
      onError: (name) => errors.push(name),
    });
    try {
      expect(await poller.tick()).toBe(0);
      fail = false;
      expect(await poller.tick()).toBe(1);
      expect(errors).toEqual(['TypeError']);
    } finally {
      poller.stop();
    }
  });
});
