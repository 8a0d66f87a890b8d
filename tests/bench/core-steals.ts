/**
 * How often this machine takes a core away from a busy thread: one thread per core spins on the clock for a while, and
 * every jump of more than 2 ms is a moment its core ran something else (a kernel thread, another process). Latency
 * figures are taken with both cores busy (the load generator and the server), and their slowest deliveries fall in such
 * moments (README, "Eighth round"); the results record this beside the load average, so a noisy run can be told apart.
 */
import { cpus } from 'node:os';
import { Worker } from 'node:worker_threads';

/** a jump of the clock longer than this, in a thread that never sleeps, is time its core spent elsewhere */
const STEAL_MS = 2;

const SPINNER = `
const { parentPort, workerData } = require('node:worker_threads');
const end = performance.now() + workerData.ms;
const gaps = [];
for (let last = performance.now(); last < end; ) {
  const now = performance.now();
  if (now - last > workerData.stealMs) gaps.push(now - last);
  last = now;
}
parentPort.postMessage(gaps);
`;

export interface CoreSteals {
  seconds: number;
  threads: number;
  /** gaps over 2 ms per second, all spinning threads together */
  perSecond: number;
  longestMs: number;
}

/** Spins one worker thread per core for `seconds` and counts the gaps; nothing else of the bench runs meanwhile. */
export async function coreSteals(seconds: number): Promise<CoreSteals> {
  const threads = cpus().length;
  const results = await Promise.all(
    Array.from(
      { length: threads },
      () =>
        new Promise<number[]>((resolve, reject) => {
          const worker = new Worker(SPINNER, { eval: true, workerData: { ms: seconds * 1000, stealMs: STEAL_MS } });
          worker.once('message', (gaps: number[]) => resolve(gaps));
          worker.once('error', reject);
        }),
    ),
  );
  const gaps = results.flat();
  return { seconds, threads, perSecond: gaps.length / seconds, longestMs: gaps.length > 0 ? Math.max(...gaps) : 0 };
}

export function coreStealsText(label: string, steals: CoreSteals): string {
  return (
    `${label} ${steals.perSecond.toFixed(1)} a second over ${STEAL_MS} ms` +
    (steals.perSecond > 0 ? ` (longest ${steals.longestMs.toFixed(1)} ms)` : '')
  );
}
