/**
 * Loaded into the app and the bare socket.io server with NODE_OPTIONS=--require, so the bench can ask either process
 * for its memory (after a full GC) and, for the app, a CPU profile, without touching server code.
 * Protocol: BENCH_CONTROL_DIR holds `pid` (written at start); the bench writes `command` ("mem <seq>", "prof <seq>" or
 * "heap <seq>", a heap snapshot for a closer look at memory)
 * and sends SIGWINCH (a signal nothing else uses: Nest's shutdown hooks take SIGUSR2, the inspector SIGUSR1); the answer appears as `mem-<seq>.json` or `cpu-<seq>.cpuprofile`.
 * "profstart <seq>" starts the V8 sampling profiler (answer: `profstart-<seq>`); "prof <seq>" stops it and writes the profile.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';
import { setFlagsFromString, writeHeapSnapshot } from 'node:v8';
import { runInNewContext } from 'node:vm';

const dir = process.env.BENCH_CONTROL_DIR;
// diagnostics only (e.g. BENCH_V8_FLAGS=--trace-gc, which NODE_OPTIONS refuses)
if (process.env.BENCH_V8_FLAGS) setFlagsFromString(process.env.BENCH_V8_FLAGS);
if (dir) {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const writeAtomically = (name: string, body: string) => {
    const path = join(dir, name);
    writeFileSync(`${path}.part`, body);
    renameSync(`${path}.part`, path);
  };
  let session: Session | undefined;
  process.on('SIGWINCH', () => {
    const [kind, seq] = readFileSync(join(dir, 'command'), 'utf8').trim().split(' ');
    if (kind === 'mem') {
      gc();
      gc();
      writeAtomically(`mem-${seq}.json`, JSON.stringify(process.memoryUsage()));
    } else if (kind === 'heap') {
      gc();
      writeHeapSnapshot(join(dir, `heap-${seq}.heapsnapshot.part`));
      renameSync(join(dir, `heap-${seq}.heapsnapshot.part`), join(dir, `heap-${seq}.heapsnapshot`));
    } else if (kind === 'profstart') {
      session = new Session();
      session.connect();
      session.post('Profiler.enable');
      session.post('Profiler.setSamplingInterval', { interval: 500 });
      session.post('Profiler.start', () => writeAtomically(`profstart-${seq}`, 'started'));
    } else if (kind === 'prof' && session) {
      session.post('Profiler.stop', (error, result) => {
        writeAtomically(`cpu-${seq}.cpuprofile`, error ? JSON.stringify({ error: String(error) }) : JSON.stringify(result.profile));
      });
    }
  });
  writeAtomically('pid', String(process.pid));
}
