import { execFileSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { AppProcess, MAIN, freshData, type StoreKind } from '../support/app-process';
import { TEST_DATABASE_URL, dropSchema } from '../support/postgres';
import { headPosition } from '../support/stores';
import { playScenario } from './upgrade-scenario';
import { SCHEMA_PLACEHOLDER, withoutRestrict } from './upgrade-fixtures';

/**
 * Makes an upgrade fixture: starts a build of the app (this checkout's, or `--app` another commit's), plays the
 * scenario, stops it, and keeps its database as it was left: an SQLite file (`VACUUM INTO`), or a PostgreSQL schema
 * as `pg_dump` writes it, its name replaced by a placeholder. Beside it, `<out>.json` says what made it.
 *
 *   npm run upgrade-fixture -- --store sqlite --out tests/upgrade/fixtures/<date>-<commit>.sqlite [--app <dir>/dist/apps/api/haven-api.js]
 *
 * With this checkout's own build every step must be accepted; an older build may refuse what it does not know yet.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({ options: { app: { type: 'string' }, store: { type: 'string', default: 'sqlite' }, out: { type: 'string' }, commit: { type: 'string' } }, strict: true });
  const store = values.store as StoreKind;
  if (store !== 'sqlite' && store !== 'postgres') throw new Error('--store sqlite or --store postgres');
  if (!values.out) throw new Error('--out <file> (.sqlite or .sql)');
  const app = values.app ?? MAIN;
  const data = freshData(store);
  const started = await AppProcess.start(data, { LOG_LEVEL: 'error' }, app);
  let record;
  let head;
  try {
    record = await playScenario(started);
    head = await headPosition(started.url);
  } finally {
    await started.stop();
  }
  if (app === MAIN && record.refused.length > 0) throw new Error(`this checkout's app refused steps of the scenario: ${JSON.stringify(record.refused, null, 2)}`);

  if (existsSync(values.out)) rmSync(values.out);
  if (store === 'sqlite') {
    const db = new Database(data.env.SQLITE_PATH);
    try {
      db.prepare('VACUUM INTO ?').run(values.out);
    } finally {
      db.close();
    }
  } else {
    const schema = data.env.POSTGRES_SCHEMA;
    const dump = execFileSync('pg_dump', ['--schema', schema, '--no-owner', '--no-privileges', TEST_DATABASE_URL], { encoding: 'utf8', maxBuffer: 1 << 28 });
    // the schema's name is random (uniqueSchema), so a plain replace touches nothing else
    writeFileSync(values.out, withoutRestrict(dump).split(schema).join(SCHEMA_PLACEHOLDER));
    await dropSchema(schema);
  }
  const about = { store, head, commit: values.commit ?? null, app, madeAt: new Date().toISOString(), steps: record.steps, refused: record.refused };
  writeFileSync(`${values.out}.json`, `${JSON.stringify(about, null, 2)}\n`);
  console.log(`${values.out}: ${head} events, ${record.steps} steps, ${record.refused.length} refused`);
  for (const refusal of record.refused) console.log(`  refused: ${refusal.step}: ${refusal.code}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
