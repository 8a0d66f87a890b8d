import Database from 'better-sqlite3';
import { Client } from 'pg';
import { sealingKey } from '../../libs/personal-data/src/envelope';
import { MasterKeys } from '../../libs/personal-data/src/master-keys';
import { openSealed } from '../../libs/personal-data/src/personal-data';
import { TEST_PERSONAL_DATA_KEY, type AppData } from './app-process';

/** One event as the store holds it, with what audits compare from its metadata. */
export interface LoggedEvent {
  position: number;
  /** the event's own id (an erasure request's notice names it) */
  eventId: string;
  streamId: string;
  type: string;
  data: Record<string, any>;
  actorId: string;
  commandId: string;
  occurredAt: string;
}

/**
 * The whole log, read straight from the app's store (not through the app): the oracle of the audits in
 * tests/e2e/robustness. Safe while the app runs: it only reads. Personal data is opened with the keys in the same
 * database, unwrapped with the master key (the tests' own unless `masterKey` says), as the app opens it for readers
 * (null where erased); `sealed: true` gives it as stored.
 */
export async function readLog(data: AppData, options: { sealed?: boolean; masterKey?: string } = {}): Promise<LoggedEvent[]> {
  const { rows, keys } = await readRows(data);
  const events = rows.map(toLoggedEvent);
  if (options.sealed) return events;
  const master = MasterKeys.fromBase64(options.masterKey ?? TEST_PERSONAL_DATA_KEY);
  const byId = new Map(keys.filter((k) => k.secret !== null).map((k) => [k.key_id, sealingKey(k.key_id, master.unwrap(k.key_id, k.secret!))]));
  return events.map((event) => ({ ...event, data: openSealed(event.data, (keyId) => byId.get(keyId)) }));
}

const EVENTS = 'select position, event_id, stream_id, type, data, metadata from events order by position';
const KEYS = 'select key_id, secret from personal_data_keys';

async function readRows(data: AppData): Promise<{ rows: Row[]; keys: KeyRow[] }> {
  if (data.store === 'sqlite') {
    const db = new Database(data.env.SQLITE_PATH);
    try {
      return { rows: db.prepare(EVENTS).all() as Row[], keys: db.prepare(KEYS).all() as KeyRow[] };
    } finally {
      db.close();
    }
  }
  const client = new Client({ connectionString: data.env.DATABASE_URL });
  await client.connect();
  try {
    await client.query(`set search_path to "${data.env.POSTGRES_SCHEMA}"`);
    return { rows: (await client.query<Row>(EVENTS)).rows, keys: (await client.query<KeyRow>(KEYS)).rows };
  } finally {
    await client.end();
  }
}

interface KeyRow {
  key_id: string;
  secret: string | null;
}

interface Row {
  position: unknown;
  event_id: string;
  stream_id: string;
  type: string;
  data: unknown;
  metadata: unknown;
}

/** SQLite hands JSON columns over as text, PostgreSQL's jsonb as objects */
const parsed = (value: unknown) => (typeof value === 'string' ? JSON.parse(value) : value) as Record<string, any>;

function toLoggedEvent(row: Row): LoggedEvent {
  const metadata = parsed(row.metadata);
  return {
    position: Number(row.position),
    eventId: row.event_id,
    streamId: row.stream_id,
    type: row.type,
    data: parsed(row.data),
    actorId: metadata.actorId,
    commandId: metadata.commandId,
    occurredAt: metadata.occurredAt,
  };
}

/**
 * What was stored after `position`, leaving out the records of staff reads: with several nodes, each node records what
 * its own staff sockets were sent live, at its own pace, so such a record may land at any moment after the event a
 * command on another node caused. "Stores nothing" checks across nodes compare this with [].
 */
export async function storedSince(data: AppData, position: number): Promise<LoggedEvent[]> {
  return (await readLog(data, { sealed: true })).filter((event) => event.position > position && event.type !== 'PersonalDataRead');
}

/**
 * The log's head read straight from the app's store over one connection kept open: for checks made thousands of
 * times (the socket fuzz's "a refusal stores nothing"), where asking the app's /health each time cost most of the run.
 */
export async function openStoreHead(data: AppData): Promise<{ head(): Promise<number>; close(): Promise<void> }> {
  const HEAD = 'select coalesce(max(position), 0) as head from events';
  if (data.store === 'sqlite') {
    const db = new Database(data.env.SQLITE_PATH, { readonly: true });
    const statement = db.prepare(HEAD);
    return { head: async () => Number((statement.get() as { head: unknown }).head), close: async () => void db.close() };
  }
  const client = new Client({ connectionString: data.env.DATABASE_URL });
  await client.connect();
  await client.query(`set search_path to "${data.env.POSTGRES_SCHEMA}"`);
  return { head: async () => Number((await client.query<{ head: unknown }>(HEAD)).rows[0].head), close: () => client.end() };
}
