import type { SqliteMigration } from './sqlite-migration';

/** The event log. `position` is AUTOINCREMENT so a deleted tail position is never handed out again. */
export const createEvents: SqliteMigration = {
  name: '0001-create-events',
  async up({ context: db }) {
    db.exec(`
      CREATE TABLE events (
        position        INTEGER PRIMARY KEY AUTOINCREMENT,
        event_id        TEXT    NOT NULL UNIQUE,
        stream_id       TEXT    NOT NULL,
        stream_revision INTEGER NOT NULL,
        type            TEXT    NOT NULL,
        data            TEXT    NOT NULL,
        metadata        TEXT    NOT NULL,
        recorded_at     TEXT    NOT NULL,
        UNIQUE (stream_id, stream_revision)
      )
    `);
  },
  async down({ context: db }) {
    db.exec('DROP TABLE events');
  },
};
