import type { RecordedEvent, SqlExecutor, SqlValue, SqlWriter } from '@haven/event-store';
import { createIndexStatement, type IndexDefinition, type Projection } from '@haven/projections';
import type { RoomEvent, RoomEventType } from '../domain/room.events';
import { isRoomEvent, roomIdOf } from './room-membership.projection';

/** history pages read a room's messages by position */
const BY_POSITION: IndexDefinition = { name: 'room_messages_by_position', on: 'room_messages (room_id, position)' };

/**
 * room_messages: a room's message history with edits, deletions and redactions applied.
 * The original text of a redacted message stays in the row for moderators' review; queries for members blank it.
 */
export const roomMessagesProjection: Projection = {
  name: 'room_messages',
  eventTypes: ['MessagePosted', 'MessageEdited', 'MessageDeleted', 'MessageRedacted'] satisfies RoomEventType[],
  tables: ['room_messages'],
  async migrate(db) {
    await db.execute(`create table if not exists room_messages (
      room_id text not null, message_id text not null, position bigint not null, author_id text not null,
      text text not null, content_warning text, reply_to text, posted_at text not null, edited_at text,
      deleted integer not null, redacted integer not null, redaction_reason text, redacted_by text,
      primary key (room_id, message_id))`);
    await db.execute(createIndexStatement(BY_POSITION));
  },
  deferredIndexes: [BY_POSITION],
  async apply(tx, recorded) {
    if (!isRoomEvent(recorded)) return;
    const event = recorded as unknown as RoomEvent & RecordedEvent;
    const roomId = roomIdOf(recorded);
    switch (event.type) {
      case 'MessagePosted': {
        const d = event.data;
        await tx.execute(
          `insert into room_messages values ($1, $2, $3, $4, $5, $6, $7, $8, null, 0, 0, null, null)
           on conflict (room_id, message_id) do nothing`,
          [roomId, d.messageId, recorded.position, d.authorId, d.text, d.contentWarning, d.replyTo, d.postedAt],
        );
        return;
      }
      case 'MessageEdited':
        await tx.execute(
          `update room_messages set text = $3, content_warning = $4, edited_at = $5 where room_id = $1 and message_id = $2`,
          [roomId, event.data.messageId, event.data.text, event.data.contentWarning, event.data.editedAt],
        );
        return;
      case 'MessageDeleted':
        // a deleted message keeps no text: the author took it back
        await tx.execute(`update room_messages set deleted = 1, text = '' where room_id = $1 and message_id = $2`, [
          roomId,
          event.data.messageId,
        ]);
        return;
      case 'MessageRedacted':
        await tx.execute(
          `update room_messages set redacted = 1, redaction_reason = $3, redacted_by = $4 where room_id = $1 and message_id = $2`,
          [roomId, event.data.messageId, event.data.reason, event.data.by],
        );
        return;
      default:
        return;
    }
  },
  async applyRangeFromEventsTable(tx, after, upTo, dialect) {
    // the same rules as apply, set-based: a message's first post makes its row; an edit, delete or redaction counts only
    // after that post; the last edit sets text, warning and time unless a delete came after it; the last redaction
    // gives reason and moderator. Runs in order for consecutive ranges, so rows from earlier ranges are kept as they are
    // where this range holds nothing newer.
    if (dialect === 'postgres') await insertFirstPostsOnPostgres(tx, after, upTo);
    else await tx.execute(FIRST_POSTS, [after, upTo]);
    await tx.execute(
      `update room_messages set
         text = case when changed.last_delete > coalesce(changed.last_edit, 0) then ''
                     when changed.last_edit is not null then edit.data->>'text' else room_messages.text end,
         content_warning = case when changed.last_edit is not null then edit.data->>'contentWarning' else room_messages.content_warning end,
         edited_at = case when changed.last_edit is not null then edit.data->>'editedAt' else room_messages.edited_at end,
         deleted = case when changed.last_delete is not null then 1 else room_messages.deleted end,
         redacted = case when changed.last_redaction is not null then 1 else room_messages.redacted end,
         redaction_reason = case when changed.last_redaction is not null then redaction.data->>'reason' else room_messages.redaction_reason end,
         redacted_by = case when changed.last_redaction is not null then redaction.data->>'by' else room_messages.redacted_by end
       from (
         select m.room_id, m.message_id,
           max(case when e.type = 'MessageEdited' then e.position end) as last_edit,
           max(case when e.type = 'MessageDeleted' then e.position end) as last_delete,
           max(case when e.type = 'MessageRedacted' then e.position end) as last_redaction
         from events e join room_messages m on m.room_id = substr(e.stream_id, 6) and m.message_id = e.data->>'messageId'
         where e.position > $1 and e.position <= $2 and e.type in ('MessageEdited', 'MessageDeleted', 'MessageRedacted')
           and substr(e.stream_id, 1, 5) = 'room-' and e.position > m.position
         group by m.room_id, m.message_id
       ) changed
       left join events edit on edit.position = changed.last_edit
       left join events redaction on redaction.position = changed.last_redaction
       where room_messages.room_id = changed.room_id and room_messages.message_id = changed.message_id`,
      [after, upTo],
    );
  },
};

/** Every post in the range makes a row: fails on the key at a second post of a message id. */
const POSTS = `insert into room_messages
  select substr(stream_id, 6), data->>'messageId', position, data->>'authorId', data->>'text', data->>'contentWarning',
    data->>'replyTo', data->>'postedAt', null, 0, 0, null, null
  from events
  where position > $1 and position <= $2 and type = 'MessagePosted' and substr(stream_id, 1, 5) = 'room-'
  order by position`;

/** A message's first post makes its row; a later post of the same id, in this range or an earlier one, does nothing. */
const FIRST_POSTS = `${POSTS} on conflict (room_id, message_id) do nothing`;

/**
 * PostgreSQL's ON CONFLICT is a speculative insertion, row by row: in a rebuild of 176,000 messages it took 0.9 s where
 * the plain insert took 0.65 s (SQLite's costs it nothing, so SQLite always has it). The log holds no second post of a
 * message id (the decider refuses one: ROOM.DUPLICATE_MESSAGE_ID), so the plain insert is tried first, in a savepoint;
 * a log that holds one anyway (written by hand, or by a version with a bug) fails it on the key and gets the insert
 * with ON CONFLICT instead: the same rows either way.
 */
async function insertFirstPostsOnPostgres(tx: SqlWriter, after: number, upTo: number): Promise<void> {
  await tx.query('savepoint first_posts');
  try {
    await tx.query(POSTS, [after, upTo]);
  } catch (error) {
    if ((error as { code?: unknown }).code !== UNIQUE_VIOLATION) throw error;
    await tx.query('rollback to savepoint first_posts');
    await tx.execute(FIRST_POSTS, [after, upTo]);
  }
  await tx.execute('release savepoint first_posts');
}

const UNIQUE_VIOLATION = '23505';

export interface MessageView {
  messageId: string;
  position: number;
  authorId: string;
  /** null when deleted, or redacted and the reader is not a moderator */
  text: string | null;
  contentWarning: string | null;
  replyTo: string | null;
  postedAt: string;
  editedAt: string | null;
  deleted: boolean;
  redacted: boolean;
  /** moderators only */
  redaction?: { reason: string | null; by: string | null };
}

export interface HistoryPage {
  before?: number;
  after?: number;
  limit: number;
}

/** Log positions a reader was in the room: from (inclusive) to (exclusive; null while still in it). */
export interface PositionWindow {
  from: number;
  to: number | null;
}

/**
 * A page of history, oldest first: the `limit` messages before `before`, or after `after`, or the newest. With
 * `within`, only messages posted inside those windows (a member reads what was said while they were in the room);
 * never those by `hiddenAuthors` (people the reader hides, in a group room they do not moderate).
 */
export async function messageHistory(
  db: SqlExecutor,
  roomId: string,
  page: HistoryPage,
  asModerator: boolean,
  within?: readonly PositionWindow[],
  hiddenAuthors: readonly string[] = [],
): Promise<MessageView[]> {
  if (within?.length === 0) return [];
  const params: SqlValue[] = [roomId, page.after ?? page.before ?? Number.MAX_SAFE_INTEGER, page.limit];
  const inWindows = inWindowsClause(within ?? [], params) + notByClause(hiddenAuthors, params);
  const rows =
    page.after !== undefined
      ? await db.query(`select * from room_messages where room_id = $1 and position > $2${inWindows} order by position asc limit $3`, params)
      : (await db.query(`select * from room_messages where room_id = $1 and position < $2${inWindows} order by position desc limit $3`, params)).reverse();
  return rows.map((r) => messageViewOf(r, asModerator));
}

/** ` and (<position in one of the windows>)`, its bounds pushed onto `params`; '' for no windows (no bound). */
function inWindowsClause(within: readonly PositionWindow[], params: SqlValue[]): string {
  const windows = within.map(({ from, to }) => {
    params.push(from);
    if (to === null) return `position >= $${params.length}`;
    params.push(to);
    return `(position >= $${params.length - 1} and position < $${params.length})`;
  });
  return windows.length > 0 ? ` and (${windows.join(' or ')})` : '';
}

/** ` and author_id not in (…)`, its ids pushed onto `params`; '' for none. */
function notByClause(authors: readonly string[], params: SqlValue[]): string {
  if (authors.length === 0) return '';
  const placeholders = authors.map((author) => {
    params.push(author);
    return `$${params.length}`;
  });
  return ` and author_id not in (${placeholders.join(', ')})`;
}

/**
 * A member's unread messages in a room: posted by others after `after` (their read mark) inside the windows they were
 * in the room, not deleted (a redacted message still arrived), not by `hiddenAuthors`; with the room's newest message
 * of those that is not deleted.
 */
export async function unreadIn(
  db: SqlExecutor,
  roomId: string,
  readerId: string,
  after: number,
  within: readonly PositionWindow[],
  hiddenAuthors: readonly string[] = [],
): Promise<{ unread: number; newest: { position: number; postedAt: string } | null }> {
  const params: SqlValue[] = [roomId, readerId, after];
  const inWindows = (within.length > 0 ? inWindowsClause(within, params) : ' and false') + notByClause(hiddenAuthors, params);
  const [counted] = await db.query<{ unread: number | string }>(
    `select count(*) as unread from room_messages
     where room_id = $1 and author_id <> $2 and position > $3 and deleted = 0${inWindows}`,
    params,
  );
  const newestParams: SqlValue[] = [roomId];
  const newestInWindows = (within.length > 0 ? inWindowsClause(within, newestParams) : ' and false') + notByClause(hiddenAuthors, newestParams);
  const [newest] = await db.query<{ position: number | string; posted_at: string }>(
    `select position, posted_at from room_messages where room_id = $1 and deleted = 0${newestInWindows} order by position desc limit 1`,
    newestParams,
  );
  return { unread: Number(counted.unread), newest: newest ? { position: Number(newest.position), postedAt: newest.posted_at } : null };
}

/** Which of these messages have been redacted since (for catch-up placeholders). */
export async function redactedAmong(db: SqlExecutor, roomId: string, messageIds: string[]): Promise<Set<string>> {
  if (messageIds.length === 0) return new Set();
  const placeholders = messageIds.map((_, i) => `$${i + 2}`).join(', ');
  const rows = await db.query<{ message_id: string }>(
    `select message_id from room_messages where room_id = $1 and redacted = 1 and message_id in (${placeholders})`,
    [roomId, ...messageIds],
  );
  return new Set(rows.map((r) => r.message_id));
}

/** A room_messages row as a reader sees it: moderators also read what was redacted, and why. */
export function messageViewOf(r: Record<string, unknown>, asModerator: boolean): MessageView {
  const deleted = Number(r.deleted) === 1;
  const redacted = Number(r.redacted) === 1;
  const hidden = deleted || (redacted && !asModerator);
  return {
    messageId: String(r.message_id),
    position: Number(r.position),
    authorId: String(r.author_id),
    text: hidden ? null : String(r.text),
    contentWarning: hidden ? null : ((r.content_warning as string | null) ?? null),
    replyTo: (r.reply_to as string | null) ?? null,
    postedAt: String(r.posted_at),
    editedAt: (r.edited_at as string | null) ?? null,
    deleted,
    redacted,
    ...(asModerator && redacted ? { redaction: { reason: (r.redaction_reason as string) ?? null, by: (r.redacted_by as string) ?? null } } : {}),
  };
}
