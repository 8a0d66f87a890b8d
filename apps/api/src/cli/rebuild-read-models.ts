import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { SingleBar, Presets } from 'cli-progress';
import { openStorage } from '@haven/event-store';
import { rebuildReadModels } from '@haven/projections';
import { validateEnvironment } from '../config/environment';
import { allReadModels } from '../read-models';

/**
 * Rebuilds read models from position 0 with a progress bar: `npm run rebuild-read-models -- --all`
 * or `-- --read-model room_messages`. Reads the same environment as the API (EVENT_STORE, SQLITE_PATH,
 * DATABASE_URL...). Several read models are rebuilt together in one pass over the log. Stop the API first: a live
 * node would keep moving the checkpoints while the rebuild runs.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { 'read-model': { type: 'string', multiple: true }, all: { type: 'boolean' }, list: { type: 'boolean' } },
    strict: true,
  });
  if (values.list) {
    for (const p of allReadModels) console.log(p.name);
    return;
  }
  const names = values.all ? allReadModels.map((p) => p.name) : [...new Set(values['read-model'] ?? [])];
  if (names.length === 0) throw new Error(`name a read model with --read-model <name>, or --all (known: ${allReadModels.map((p) => p.name).join(', ')})`);
  const unknown = names.filter((n) => !allReadModels.some((p) => p.name === n));
  if (unknown.length > 0) throw new Error(`unknown read model(s): ${unknown.join(', ')}`);

  const env = validateEnvironment(process.env);
  const storage = await openStorage({
    eventStore: env.EVENT_STORE,
    sqlitePath: env.SQLITE_PATH,
    databaseUrl: env.DATABASE_URL,
    kurrentdbUrl: env.KURRENTDB_URL,
    postgresSchema: env.POSTGRES_SCHEMA,
  });
  try {
    // one pass over the log for all of them: each batch is read once and applied to every read model
    const projections = names.map((name) => allReadModels.find((p) => p.name === name)!);
    const bar = new SingleBar(
      { format: `${names.length === 1 ? names[0] : `${names.length} read models`} [{bar}] {percentage}% | {value}/{total} positions | {rate} events/s`, hideCursor: true },
      Presets.shades_classic,
    );
    const started = Date.now();
    bar.start(Math.max(1, await storage.events.headPosition()), 0, { rate: 0 });
    const done = await rebuildReadModels(storage, projections, {
      onProgress: (progress) => {
        const seconds = Math.max(0.001, (Date.now() - started) / 1000);
        bar.update(progress.position, { rate: Math.round(progress.events / seconds) });
      },
    });
    bar.stop();
    const seconds = Math.max(0.001, (Date.now() - started) / 1000);
    for (const name of names) {
      console.log(`${name}: ${done.events} events in ${seconds.toFixed(2)} s (${Math.round(done.events / seconds)} events/s)`);
    }
  } finally {
    await storage.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
