import type { RecordedEvent, SqlExecutor } from '@haven/event-store';
import type { Projection } from '@haven/projections';
import { isFamilySessionStream, type FamilySessionEvent, type FamilySessionEventType } from '../domain/family-session.events';

/**
 * family_lobby_word: a session's latest word to its lobby (family.tellLobby), until the session ends: a sign on the
 * door for a family member who arrives after it was said. The text stays sealed as the event holds it (the participant's
 * personal data): answers open it, an erasure empties it.
 */
export const familyLobbyWordProjection: Projection = {
  name: 'family_lobby_word',
  eventTypes: ['FamilyLobbyNoticeSent', 'FamilySessionEnded'] satisfies FamilySessionEventType[],
  tables: ['family_lobby_word'],
  async migrate(db) {
    await db.execute(`create table if not exists family_lobby_word (session_id text primary key, text text not null, sent_at text not null)`);
  },
  async apply(tx, recorded: RecordedEvent) {
    if (!isFamilySessionStream(recorded.streamId)) return;
    const event = recorded as unknown as FamilySessionEvent & RecordedEvent;
    if (event.type === 'FamilyLobbyNoticeSent') {
      await tx.execute(
        `insert into family_lobby_word values ($1, $2, $3) on conflict (session_id) do update set text = excluded.text, sent_at = excluded.sent_at`,
        [event.data.sessionId, event.data.text, event.data.sentAt],
      );
    } else if (event.type === 'FamilySessionEnded') {
      await tx.execute(`delete from family_lobby_word where session_id = $1`, [event.data.sessionId]);
    }
  },
};

/** The latest word to a session's lobby, sealed, or null (none yet, or the session ended). */
export async function lobbyWordOf(db: SqlExecutor, sessionId: string): Promise<{ text: string; sentAt: string } | null> {
  const [row] = await db.query<{ text: string; sent_at: string }>(`select text, sent_at from family_lobby_word where session_id = $1`, [sessionId]);
  return row ? { text: row.text, sentAt: row.sent_at } : null;
}
