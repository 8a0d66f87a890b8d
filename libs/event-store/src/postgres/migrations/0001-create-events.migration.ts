import type { PostgresMigration } from './postgres-migration';

/**
 * The event log. `position` has no sequence: appends assign max + 1 while holding the append lock,
 * so positions are gap-free and in commit order (see postgres-event-store.ts).
 */
export const createEvents: PostgresMigration = {
  name: '0001-create-events',
  async up({ context: client }) {
    await client.query(`
      CREATE TABLE events (
        position        BIGINT      PRIMARY KEY,
        event_id        TEXT        NOT NULL UNIQUE,
        stream_id       TEXT        NOT NULL,
        stream_revision BIGINT      NOT NULL,
        type            TEXT        NOT NULL,
        data            JSONB       NOT NULL,
        metadata        JSONB       NOT NULL,
        recorded_at     TIMESTAMPTZ NOT NULL,
        UNIQUE (stream_id, stream_revision)
      )
    `);
  },
  async down({ context: client }) {
    await client.query('DROP TABLE events');
  },
};
