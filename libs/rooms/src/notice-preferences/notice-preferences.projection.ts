import type { RecordedEvent, SqlExecutor } from '@haven/event-store';
import { placeholderList } from '@haven/event-store/sql-database';
import type { Projection } from '@haven/projections';
import { DEFAULT_NOTICE_PREFERENCES, isNoticePreferencesStream, type NoticePreferences, type NoticePreferencesEvent } from './notice-preferences.events';

/**
 * notice_preferences: each person's choice (notices.setPreferences), one row for those who made one. Quiet hours stay
 * sealed as the event holds them: the reader opens them (the notices processor, GET /me/notice-preferences), an
 * erasure empties them.
 */
export const noticePreferencesProjection: Projection = {
  name: 'notice_preferences',
  eventTypes: ['NoticePreferencesSet'] satisfies NoticePreferencesEvent['type'][],
  tables: ['notice_preferences'],
  async migrate(db) {
    await db.execute(`create table if not exists notice_preferences (
      user_id text primary key, paused integer not null, quiet_from text, quiet_until text, time_zone text, set_at text not null)`);
  },
  async apply(tx, recorded: RecordedEvent) {
    if (!isNoticePreferencesStream(recorded.streamId)) return;
    const { userId, paused, quietHours, setAt } = (recorded as unknown as NoticePreferencesEvent & RecordedEvent).data;
    await tx.execute(
      `insert into notice_preferences values ($1, $2, $3, $4, $5, $6)
       on conflict (user_id) do update set paused = excluded.paused, quiet_from = excluded.quiet_from, quiet_until = excluded.quiet_until,
         time_zone = excluded.time_zone, set_at = excluded.set_at`,
      [userId, paused ? 1 : 0, quietHours?.from ?? null, quietHours?.until ?? null, quietHours?.timeZone ?? null, setAt],
    );
  },
};

type PreferenceRow = {
  user_id: string;
  paused: number | string;
  quiet_from: string | null;
  quiet_until: string | null;
  time_zone: string | null;
};

const preferencesOfRow = (row: PreferenceRow | undefined): NoticePreferences =>
  row
    ? {
        paused: Number(row.paused) === 1,
        quietHours: row.quiet_from === null ? null : { from: row.quiet_from, until: row.quiet_until!, timeZone: row.time_zone! },
      }
    : DEFAULT_NOTICE_PREFERENCES;

/** A person's choice, quiet hours still sealed; the default (told at any hour) for one who made none. */
export async function noticePreferencesOf(db: SqlExecutor, userId: string): Promise<NoticePreferences> {
  const [row] = await db.query<PreferenceRow>(`select * from notice_preferences where user_id = $1`, [userId]);
  return preferencesOfRow(row);
}

/**
 * The choices of those among `userIds` who made one, quiet hours still sealed: one query per poll (each source gives a
 * poll at most 500 notices, far below SQLite's and PostgreSQL's limits on parameters).
 */
export async function noticePreferencesOfEach(db: SqlExecutor, userIds: readonly string[]): Promise<({ userId: string } & NoticePreferences)[]> {
  if (userIds.length === 0) return [];
  const rows = await db.query<PreferenceRow>(`select * from notice_preferences where user_id in (${placeholderList(userIds.length)})`, [...userIds]);
  return rows.map((row) => ({ userId: row.user_id, ...preferencesOfRow(row) }));
}
