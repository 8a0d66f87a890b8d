import type { RecordedEvent, SqlExecutor } from '@haven/event-store';
import type { Projection } from '@haven/projections';
import { ON_CALL_EVENT_TYPES, ON_CALL_STREAM, type OnCallEvent } from './domain/on-call.decider';

/**
 * safety_on_call_shifts: each time a clinician was on call, from the log position where they went on call to the one
 * where they went off (null: still on call). Kept whole, so that who was on call at an alert's position answers live
 * delivery and a catch-up alike.
 */
export const onCallProjection: Projection = {
  name: 'safety_on_call',
  eventTypes: [...ON_CALL_EVENT_TYPES],
  tables: ['safety_on_call_shifts'],
  async migrate(db) {
    await db.execute(`create table if not exists safety_on_call_shifts (
      user_id text not null, since text not null, started_position bigint not null, ended_position bigint,
      primary key (user_id, started_position))`);
  },
  async apply(tx, recorded) {
    if (recorded.streamId !== ON_CALL_STREAM) return;
    const event = recorded as unknown as OnCallEvent & RecordedEvent;
    if (event.type === 'OnCallStarted') {
      await tx.execute(`insert into safety_on_call_shifts values ($1, $2, $3, null) on conflict do nothing`, [event.data.userId, event.data.startedAt, recorded.position]);
    } else if (event.type === 'OnCallEnded') {
      await tx.execute(`update safety_on_call_shifts set ended_position = $2 where user_id = $1 and ended_position is null`, [event.data.userId, recorded.position]);
    }
  },
};

/** The clinicians on call now by their own say, oldest shift first. */
export async function onCallNow(db: SqlExecutor): Promise<{ userId: string; since: string }[]> {
  const rows = await db.query(`select user_id, since from safety_on_call_shifts where ended_position is null order by started_position`);
  return rows.map((r) => ({ userId: String(r.user_id), since: String(r.since) }));
}

/** The clinicians who were on call by their own say at this log position. */
export async function onCallAt(db: SqlExecutor, position: number): Promise<string[]> {
  const rows = await db.query(
    `select user_id from safety_on_call_shifts where started_position < $1 and (ended_position is null or ended_position > $1) order by started_position`,
    [position],
  );
  return rows.map((r) => String(r.user_id));
}
