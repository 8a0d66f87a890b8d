import Database from 'better-sqlite3';
import { Client } from 'pg';
import type { AppData } from './app-process';

/** One event as the store holds it, with what audits compare from its metadata. */
export interface LoggedEvent {
  position: number;
  streamId: string;
  type: string;
  data: Record<string, any>;
  actorId: string;
  commandId: string;
  occurredAt: string;
}

/**
 * The whole log, read straight from the app's store (not through the app): the oracle of the audits in
 * tests/e2e/robustness. Safe while the app runs: it only reads.
 */
export async function readLog(data: AppData): Promise<LoggedEvent[]> {
  const query = 'select position, stream_id, type, data, metadata from events order by position';
  if (data.store === 'sqlite') {
    const db = new Database(data.env.SQLITE_PATH);
    try {
      return (db.prepare(query).all() as Row[]).map(toLoggedEvent);
    } finally {
      db.close();
    }
  }
  const client = new Client({ connectionString: data.env.DATABASE_URL });
  await client.connect();
  try {
    await client.query(`set search_path to "${data.env.POSTGRES_SCHEMA}"`);
    return (await client.query<Row>(query)).rows.map(toLoggedEvent);
  } finally {
    await client.end();
  }
}

interface Row {
  position: unknown;
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
    streamId: row.stream_id,
    type: row.type,
    data: parsed(row.data),
    actorId: metadata.actorId,
    commandId: metadata.commandId,
    occurredAt: metadata.occurredAt,
  };
}
