import type Database from 'better-sqlite3';
import type { RecordedEvent } from '../event-store';

export interface EventRow {
  position: number;
  event_id: string;
  stream_id: string;
  stream_revision: number;
  type: string;
  data: string;
  metadata: string;
  recorded_at: string;
}

const COLUMNS = 'position, event_id, stream_id, stream_revision, type, data, metadata, recorded_at';

export function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    id: row.event_id,
    streamId: row.stream_id,
    revision: row.stream_revision,
    position: row.position,
    type: row.type,
    data: JSON.parse(row.data) as RecordedEvent['data'],
    metadata: JSON.parse(row.metadata) as RecordedEvent['metadata'],
    recordedAt: row.recorded_at,
  };
}

/** Every statement the event store runs, prepared once per store: preparing costs about as much as running. */
export interface EventStatements {
  /** the stream's last revision (plucked), undefined for no stream */
  streamRevision: Database.Statement<[string], number>;
  /** the stream's last revision and its position */
  streamHead: Database.Statement<[string], { revision: number; position: number }>;
  insert: Database.Statement<[string, string, number, string, string, string, string]>;
  /** the stored events with any of the ids in a JSON array */
  storedWithIds: Database.Statement<[string], EventRow>;
  readStream: Database.Statement<[string, number], EventRow>;
  readAll: Database.Statement<[number, number], EventRow>;
  /** the newest position (plucked), 0 for an empty log */
  headPosition: Database.Statement<[], number>;
}

/** Prepares the statements; the events table must exist (the migrations ran when the storage was opened). */
export function prepareEventStatements(connection: Database.Database): EventStatements {
  return {
    streamRevision: connection
      .prepare<[string], number>('SELECT stream_revision FROM events WHERE stream_id = ? ORDER BY stream_revision DESC LIMIT 1')
      .pluck(),
    streamHead: connection.prepare(
      'SELECT stream_revision AS revision, position FROM events WHERE stream_id = ? ORDER BY stream_revision DESC LIMIT 1',
    ),
    insert: connection.prepare(
      'INSERT INTO events (event_id, stream_id, stream_revision, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    storedWithIds: connection.prepare(`SELECT ${COLUMNS} FROM events WHERE event_id IN (SELECT value FROM json_each(?))`),
    readStream: connection.prepare(
      `SELECT ${COLUMNS} FROM events WHERE stream_id = ? AND stream_revision >= ? ORDER BY stream_revision`,
    ),
    readAll: connection.prepare(`SELECT ${COLUMNS} FROM events WHERE position > ? ORDER BY position LIMIT ?`),
    headPosition: connection.prepare<[], number>('SELECT COALESCE(MAX(position), 0) FROM events').pluck(),
  };
}
