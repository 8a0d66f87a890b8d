import type { PostgresMigration } from './postgres-migration';

/**
 * The whole append as one server-side call, so an append is one round trip in one implicit transaction.
 * Under the append lock (the key the client passes, the same key appends took before this function existed, so
 * nodes of both versions serialise against each other) it checks, in the order of the contract:
 * - 'stored': an id of the batch is already stored; nothing written, the client looks the events up (replay rules);
 * - 'wrong_revision': `expected` (NULL: any; -1: no stream) is not the stream's last revision, given in `revision`;
 * - 'unchanged': an empty batch; `revision` and `event_position` are the stream's last (-1 and 0 for no stream);
 * - 'appended': `revision` is the stream's revision before the batch, `event_position` the first position written.
 * Positions are max + 1 under the lock, as before (see postgres-event-store.ts). Tables are found through the
 * caller's search_path, like every other statement of the store. 'haven_events' is EVENTS_CHANNEL.
 */
export const createAppendFunction: PostgresMigration = {
  name: '0002-create-append-function',
  async up({ context: client }) {
    await client.query(`
      CREATE FUNCTION haven_append(
        p_stream_id text, p_expected bigint, p_lock_class integer, p_schema text,
        p_ids text[], p_types text[], p_data text[], p_metadata text[], p_recorded_at timestamptz,
        OUT outcome text, OUT revision bigint, OUT event_position bigint
      ) LANGUAGE plpgsql
        -- PL/pgSQL keeps a generic plan per statement for the session; planned while the table was small, that would be
        -- a sequential scan kept as the table grows. Every statement here is an index lookup on a table that only grows.
        SET enable_seqscan = off
        AS $fn$
      DECLARE
        v_head bigint;
        v_stream_position bigint;
      BEGIN
        PERFORM pg_advisory_xact_lock(p_lock_class, hashtext(p_schema));
        IF EXISTS (SELECT 1 FROM events e WHERE e.event_id = ANY (p_ids)) THEN
          outcome := 'stored';
          RETURN;
        END IF;
        SELECT e.stream_revision, e.position INTO revision, v_stream_position
          FROM events e WHERE e.stream_id = p_stream_id ORDER BY e.stream_revision DESC LIMIT 1;
        revision := COALESCE(revision, -1);
        IF p_expected IS NOT NULL AND p_expected <> revision THEN
          outcome := 'wrong_revision';
          RETURN;
        END IF;
        IF cardinality(p_ids) = 0 THEN
          outcome := 'unchanged';
          event_position := COALESCE(v_stream_position, 0);
          RETURN;
        END IF;
        SELECT COALESCE(MAX(e.position), 0) INTO v_head FROM events e;
        INSERT INTO events (position, event_id, stream_id, stream_revision, type, data, metadata, recorded_at)
        SELECT v_head + u.n, u.id, p_stream_id, revision + u.n, u.t, u.d::jsonb, u.m::jsonb, p_recorded_at
          FROM unnest(p_ids, p_types, p_data, p_metadata) WITH ORDINALITY AS u(id, t, d, m, n);
        -- queued in this transaction, delivered only if it commits
        PERFORM pg_notify('haven_events', p_schema);
        outcome := 'appended';
        event_position := v_head + 1;
      END
      $fn$
    `);
  },
  async down({ context: client }) {
    await client.query('DROP FUNCTION haven_append');
  },
};
