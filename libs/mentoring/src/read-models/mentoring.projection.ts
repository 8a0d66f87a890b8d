import type { RecordedEvent, SqlExecutor } from '@haven/event-store';
import { placeholderList } from '@haven/event-store/sql-database';
import type { Projection } from '@haven/projections';
import { isMentorProfileStream, speaks, type MentorProfileEvent } from '../domain/mentor-profile';
import { isMentoringStream, MENTORING_EVENT_TYPES, type MentoringEvent, type MentorRequested, type PairingEnded, type PairingFeedbackGiven } from '../domain/mentoring.events';
// the file, not the lib's index (which loads Nest)
import { hidersAt } from '@haven/rooms/hidden-people/hidden-people.projection';

const ROOM_STREAM_PREFIX = 'room-';

/**
 * mentor_requests, mentor_request_declines, mentor_pairings, mentor_languages and mentor_away: what mentors may take,
 * who is paired with whom, whether each pairing's room has been opened (and, once it ended, closed), who mentors in
 * which languages, and who is away. The rooms context owns the rooms; this read
 * model follows their PairRoomOpened and RoomArchived too, so the pair-room processor knows what is still to do. Each
 * event about a request records whom it was not for as at that event (mentor_event_audiences: live delivery's audience
 * on any node).
 */
export const mentoringProjection: Projection = {
  name: 'mentoring',
  // 2: mentor_event_audiences
  version: 2,
  eventTypes: [...MENTORING_EVENT_TYPES, 'MentorLanguagesSet', 'MentorTopicsSet', 'MentorAwaySet', 'MentorCapacitySet', 'MentorSeen', 'PairRoomOpened', 'RoomArchived'],
  tables: ['mentor_requests', 'mentor_request_declines', 'mentor_pairings', 'mentor_languages', 'mentor_topics', 'mentor_requests_unanswered', 'mentor_away', 'mentor_feedback', 'mentor_capacity', 'mentor_seen', 'mentor_event_audiences'],
  async migrate(db) {
    await db.execute(`create table if not exists mentor_requests (
      request_id text primary key, participant_id text not null, topics text not null, language text not null,
      availability text not null, note text, excluded_mentors text not null, status text not null,
      requested_at text not null, position bigint not null)`);
    await db.execute(`create index if not exists mentor_requests_open on mentor_requests (status, position)`);
    await db.execute(`create index if not exists mentor_requests_participant on mentor_requests (participant_id)`);
    await db.execute(`create table if not exists mentor_request_declines (
      request_id text not null, mentor_id text not null, primary key (request_id, mentor_id))`);
    await db.execute(`create table if not exists mentor_pairings (
      pairing_id text primary key, request_id text not null, participant_id text not null, mentor_id text not null,
      room_id text not null, status text not null, started_at text not null, ended_at text,
      room_opened integer not null, room_closed integer not null)`);
    await db.execute(`create index if not exists mentor_pairings_participant on mentor_pairings (participant_id)`);
    await db.execute(`create index if not exists mentor_pairings_mentor on mentor_pairings (mentor_id)`);
    await db.execute(`create index if not exists mentor_pairings_room on mentor_pairings (room_id)`);
    await db.execute(`create table if not exists mentor_languages (mentor_id text primary key, languages text not null)`);
    // a mentor's topics as stored: sealed under the mentor's key, opened only for that mentor
    await db.execute(`create table if not exists mentor_topics (mentor_id text primary key, topics text not null)`);
    // the requests whose care team was told nobody took them (a table of its own: mentor_requests keeps its shape)
    await db.execute(`create table if not exists mentor_requests_unanswered (request_id text primary key, noticed_at text not null)`);
    // a row while the mentor is away; until: when the system brings them back (null: when they say so)
    await db.execute(`create table if not exists mentor_away (mentor_id text primary key, until text)`);
    // a mentor's own limit on pairs at once (mentoring.setCapacity); no row: the clinic's
    await db.execute(`create table if not exists mentor_capacity (mentor_id text primary key, pairs integer not null)`);
    // mentors Haven learned of at their first connection (MentorSeen); no version change came with it: the log held no
    // such event before the table was added (2026-12-04)
    await db.execute(`create table if not exists mentor_seen (mentor_id text primary key, seen_at text not null)`);
    // participants' feedback on their pairings, for the clinicians who supervise mentors (note sealed as the participant's)
    await db.execute(`create table if not exists mentor_feedback (
      pairing_id text primary key, participant_id text not null, mentor_id text not null, rating integer not null,
      note text, given_at text not null, position bigint not null)`);
    await db.execute(`create index if not exists mentor_feedback_mentor on mentor_feedback (mentor_id, position)`);
    // the mentors each event about a request was not for, as the read model stood when it was projected (mentorsNotOffered)
    await db.execute(`create table if not exists mentor_event_audiences (position bigint primary key, not_offered text not null)`);
  },
  async apply(tx, recorded) {
    if (recorded.streamId.startsWith(ROOM_STREAM_PREFIX)) {
      const roomId = recorded.streamId.slice(ROOM_STREAM_PREFIX.length);
      if (recorded.type === 'PairRoomOpened') {
        await tx.execute(`update mentor_pairings set room_opened = 1 where room_id = $1`, [roomId]);
      } else if (recorded.type === 'RoomArchived') {
        await tx.execute(`update mentor_pairings set room_closed = 1 where room_id = $1`, [roomId]);
      }
      return;
    }
    if (isMentorProfileStream(recorded.streamId)) {
      const event = recorded as unknown as MentorProfileEvent;
      if (event.type === 'MentorLanguagesSet') {
        await tx.execute(
          `insert into mentor_languages values ($1, $2) on conflict (mentor_id) do update set languages = excluded.languages`,
          [event.data.mentorId, JSON.stringify(event.data.languages)],
        );
      } else if (event.type === 'MentorAwaySet') {
        if (event.data.away) {
          await tx.execute(`insert into mentor_away values ($1, $2) on conflict (mentor_id) do update set until = excluded.until`, [event.data.mentorId, event.data.until]);
        } else {
          await tx.execute(`delete from mentor_away where mentor_id = $1`, [event.data.mentorId]);
        }
      } else if (event.type === 'MentorCapacitySet') {
        if (event.data.pairs === null) await tx.execute(`delete from mentor_capacity where mentor_id = $1`, [event.data.mentorId]);
        else {
          await tx.execute(`insert into mentor_capacity values ($1, $2) on conflict (mentor_id) do update set pairs = excluded.pairs`, [event.data.mentorId, event.data.pairs]);
        }
      } else if (event.type === 'MentorSeen') {
        await tx.execute(`insert into mentor_seen values ($1, $2) on conflict (mentor_id) do nothing`, [event.data.mentorId, event.data.seenAt]);
      } else if (event.type === 'MentorTopicsSet') {
        await tx.execute(`insert into mentor_topics values ($1, $2) on conflict (mentor_id) do update set topics = excluded.topics`, [
          event.data.mentorId,
          JSON.stringify(event.data.topics),
        ]);
      }
      return;
    }
    if (!isMentoringStream(recorded.streamId)) return;
    const event = recorded as unknown as MentoringEvent & RecordedEvent;
    const language = await requestLanguageOf(tx, event);
    if (language !== undefined) {
      const notOffered = await mentorsNotOffered(tx, language, event.data.participantId, recorded.position);
      await tx.execute(`insert into mentor_event_audiences values ($1, $2) on conflict (position) do nothing`, [recorded.position, JSON.stringify(notOffered)]);
    }
    switch (event.type) {
      case 'MentorRequested': {
        const d = event.data;
        await tx.execute(
          `insert into mentor_requests values ($1, $2, $3, $4, $5, $6, $7, 'open', $8, $9) on conflict (request_id) do nothing`,
          [d.requestId, d.participantId, JSON.stringify(d.topics), d.language, d.availability, d.note, JSON.stringify(d.excludedMentors), d.requestedAt, recorded.position],
        );
        return;
      }
      case 'MentorRequestCancelled':
        await tx.execute(`update mentor_requests set status = 'cancelled' where request_id = $1`, [event.data.requestId]);
        return;
      case 'MentorRequestExpired':
        await tx.execute(`update mentor_requests set status = 'expired' where request_id = $1`, [event.data.requestId]);
        return;
      case 'MentorRequestUnanswered':
        await tx.execute(`insert into mentor_requests_unanswered values ($1, $2) on conflict do nothing`, [event.data.requestId, event.data.noticedAt]);
        return;
      case 'MentorRequestDeclined':
        await tx.execute(`insert into mentor_request_declines values ($1, $2) on conflict do nothing`, [event.data.requestId, event.data.mentorId]);
        return;
      case 'PairingStarted': {
        const d = event.data;
        await tx.execute(`update mentor_requests set status = 'matched' where request_id = $1`, [d.requestId]);
        await tx.execute(
          `insert into mentor_pairings values ($1, $2, $3, $4, $5, 'active', $6, null, 0, 0) on conflict (pairing_id) do nothing`,
          [d.pairingId, d.requestId, d.participantId, d.mentorId, d.roomId, d.startedAt],
        );
        return;
      }
      case 'PairingEnded':
        await tx.execute(`update mentor_pairings set status = 'ended', ended_at = $2 where pairing_id = $1`, [event.data.pairingId, event.data.endedAt]);
        return;
      case 'PairingFeedbackGiven': {
        const d = event.data;
        await tx.execute(`insert into mentor_feedback values ($1, $2, $3, $4, $5, $6, $7) on conflict (pairing_id) do nothing`, [
          d.pairingId,
          d.participantId,
          d.mentorId,
          d.rating,
          d.note,
          d.givenAt,
          recorded.position,
        ]);
        return;
      }
      default:
        return;
    }
  },
};

/** A request as a mentor sees it: what is asked, never who asks. */
export interface OpenMentorRequest {
  requestId: string;
  topics: string[];
  language: string;
  availability: string;
  note: string | null;
  requestedAt: string;
  position: number;
}

export interface MentorRequestRow extends OpenMentorRequest {
  participantId: string;
  status: string;
  excludedMentors: string[];
}

const toRequest = (r: Record<string, unknown>): MentorRequestRow => ({
  requestId: String(r.request_id),
  participantId: String(r.participant_id),
  topics: JSON.parse(String(r.topics)) as string[],
  language: String(r.language),
  availability: String(r.availability),
  note: r.note === null ? null : String(r.note),
  excludedMentors: JSON.parse(String(r.excluded_mentors)) as string[],
  status: String(r.status),
  requestedAt: String(r.requested_at),
  position: Number(r.position),
});

const asSeenByMentors = ({ participantId: _p, status: _s, excludedMentors: _e, ...request }: MentorRequestRow): OpenMentorRequest => request;

export async function findRequest(db: SqlExecutor, requestId: string): Promise<MentorRequestRow | null> {
  const rows = await db.query(`select * from mentor_requests where request_id = $1`, [requestId]);
  return rows.length === 0 ? null : toRequest(rows[0]);
}

/**
 * Open requests this mentor may take: not excluded from, not declined, in a language they mentor in, not of someone they
 * hide (rooms' hidden_people); oldest first, so nobody waits longest. None while they are away.
 */
export async function openRequestsFor(db: SqlExecutor, mentorId: string, limit = 200): Promise<OpenMentorRequest[]> {
  if (await awayOf(db, mentorId)) return [];
  const languages = await languagesOfMentor(db, mentorId);
  const rows = await db.query(
    `select * from mentor_requests r where status = 'open' and participant_id <> $1
       and not exists (select 1 from mentor_request_declines d where d.request_id = r.request_id and d.mentor_id = $1)
       and not exists (select 1 from hidden_people h where h.user_id = $1 and h.hidden_user_id = r.participant_id)
     order by position`,
    [mentorId],
  );
  return rows
    .map(toRequest)
    .filter((r) => !r.excludedMentors.includes(mentorId) && speaks(languages, r.language))
    .slice(0, limit)
    .map(asSeenByMentors);
}

/** The languages a mentor mentors in; null when they never said (every language). */
export async function languagesOfMentor(db: SqlExecutor, mentorId: string): Promise<string[] | null> {
  const [row] = await db.query(`select languages from mentor_languages where mentor_id = $1`, [mentorId]);
  return row ? (JSON.parse(String(row.languages)) as string[]) : null;
}

/** The topics a mentor named, as stored (sealed); [] when they named none. */
export async function topicsOfMentor(db: SqlExecutor, mentorId: string): Promise<string[]> {
  const [row] = await db.query(`select topics from mentor_topics where mentor_id = $1`, [mentorId]);
  return row ? (JSON.parse(String(row.topics)) as string[]) : [];
}

/**
 * The mentors an event at `position` about a request in `language` of `participantId`'s is not for: those who mentor in
 * other languages only and those away, as this read model holds them now, and those who hid the participant as at the
 * event (the rooms' hidden_people is never behind this read model: a catch-up or rebuild moves the read models behind
 * the others first, and hidersAt undoes what it holds past the event).
 */
export async function mentorsNotOffered(db: Pick<SqlExecutor, 'query'>, language: string, participantId: string, position: number): Promise<string[]> {
  return [...(await mentorsNotSpeaking(db, language)), ...(await awayMentors(db)), ...(await hidersAt(db, participantId, position))];
}

/**
 * mentorsNotOffered as it was when the event at `position` was projected: with several nodes on one database, the node
 * delivering an event may find the read models already moved on by another node's later events (a mentor who set their
 * languages a moment after). undefined for an event projected before the table was kept.
 */
export async function mentorsNotOfferedAt(db: SqlExecutor, position: number): Promise<string[] | undefined> {
  const [row] = await db.query(`select not_offered from mentor_event_audiences where position = $1`, [position]);
  return row ? (JSON.parse(String(row.not_offered)) as string[]) : undefined;
}

/** The language of the request an event is about; undefined for events about no request (a pairing's end, feedback). */
export async function requestLanguageOf(db: Pick<SqlExecutor, 'query'>, event: MentoringEvent): Promise<string | undefined> {
  if (event.type === 'MentorRequested') return event.data.language;
  if (!isAboutAStoredRequest(event)) return undefined;
  return (await languagesOfRequests(db, [event.data.requestId])).get(event.data.requestId);
}

/** An event about a request the read model holds (a pairing's end and feedback are about no request). */
export const isAboutAStoredRequest = (event: MentoringEvent): event is Exclude<MentoringEvent, MentorRequested | PairingEnded | PairingFeedbackGiven> =>
  ABOUT_A_STORED_REQUEST.has(event.type);

const ABOUT_A_STORED_REQUEST = new Set<string>(['MentorRequestCancelled', 'MentorRequestExpired', 'MentorRequestUnanswered', 'MentorRequestDeclined', 'PairingStarted'] satisfies MentoringEvent['type'][]);

/** The mentors who named languages, none of them this one: a request in it is not offered to them. */
export async function mentorsNotSpeaking(db: Pick<SqlExecutor, 'query'>, language: string): Promise<string[]> {
  const rows = await db.query(`select mentor_id, languages from mentor_languages`);
  return rows.filter((r) => !speaks(JSON.parse(String(r.languages)) as string[], language)).map((r) => String(r.mentor_id));
}

/** Whether a mentor is away, and until when (null: until they say so); null when they are not. */
export async function awayOf(db: SqlExecutor, mentorId: string): Promise<{ until: string | null } | null> {
  const [row] = await db.query(`select until from mentor_away where mentor_id = $1`, [mentorId]);
  return row ? { until: row.until === null ? null : String(row.until) } : null;
}

/** The most pairs a mentor named for themselves (mentoring.setCapacity), or null: as many as the clinic allows. */
export async function capacityOf(db: SqlExecutor, mentorId: string): Promise<number | null> {
  const [row] = await db.query(`select pairs from mentor_capacity where mentor_id = $1`, [mentorId]);
  return row ? Number(row.pairs) : null;
}

/** The mentors away now: no request is offered to them. */
export async function awayMentors(db: Pick<SqlExecutor, 'query'>): Promise<string[]> {
  return (await db.query(`select mentor_id from mentor_away`)).map((r) => String(r.mentor_id));
}

/** How many mentors are away now (for metrics: no one is named). */
export async function awayMentorCount(db: SqlExecutor): Promise<number> {
  return Number((await db.query<{ n: number | string }>(`select count(*) as n from mentor_away`))[0].n);
}

/** Aways whose end has come (`until` at or before `now`): the system brings those mentors back. */
export async function endedAways(db: SqlExecutor, now: string, limit = 100): Promise<{ mentorId: string; until: string }[]> {
  const rows = await db.query(`select mentor_id, until from mentor_away where until is not null and until <= $1 order by until limit $2`, [now, limit]);
  return rows.map((r) => ({ mentorId: String(r.mentor_id), until: String(r.until) }));
}

/** Each of these requests' language (requests not found are left out). */
export async function languagesOfRequests(db: Pick<SqlExecutor, 'query'>, requestIds: readonly string[]): Promise<Map<string, string>> {
  if (requestIds.length === 0) return new Map();
  const rows = await db.query(`select request_id, language from mentor_requests where request_id in (${placeholderList(requestIds.length)})`, [...requestIds]);
  return new Map(rows.map((r) => [String(r.request_id), String(r.language)]));
}

/** A participant's own requests, or (participantId null) every open one, for clinicians. */
export async function requestsOf(db: SqlExecutor, participantId: string | null): Promise<MentorRequestRow[]> {
  const rows =
    participantId === null
      ? await db.query(`select * from mentor_requests where status = 'open' order by position`)
      : await db.query(`select * from mentor_requests where participant_id = $1 order by position`, [participantId]);
  return rows.map(toRequest);
}

export interface PairingRow {
  pairingId: string;
  requestId: string;
  participantId: string;
  mentorId: string;
  roomId: string;
  status: 'active' | 'ended';
  startedAt: string;
  endedAt: string | null;
  roomOpened: boolean;
  roomClosed: boolean;
}

const toPairing = (r: Record<string, unknown>): PairingRow => ({
  pairingId: String(r.pairing_id),
  requestId: String(r.request_id),
  participantId: String(r.participant_id),
  mentorId: String(r.mentor_id),
  roomId: String(r.room_id),
  status: String(r.status) as PairingRow['status'],
  startedAt: String(r.started_at),
  endedAt: r.ended_at === null ? null : String(r.ended_at),
  roomOpened: Number(r.room_opened) === 1,
  roomClosed: Number(r.room_closed) === 1,
});

export async function findPairing(db: SqlExecutor, pairingId: string): Promise<PairingRow | null> {
  const rows = await db.query(`select * from mentor_pairings where pairing_id = $1`, [pairingId]);
  return rows.length === 0 ? null : toPairing(rows[0]);
}

/** The pairings a user is in (as participant or mentor), or (userId null) every active one, for clinicians. */
export async function pairingsOf(db: SqlExecutor, userId: string | null): Promise<PairingRow[]> {
  const rows =
    userId === null
      ? await db.query(`select * from mentor_pairings where status = 'active' order by started_at`)
      : await db.query(`select * from mentor_pairings where participant_id = $1 or mentor_id = $1 order by started_at`, [userId]);
  return rows.map(toPairing);
}

/** How many active pairings a mentor has (their ended ones are history, not load). */
export async function activePairingCount(db: SqlExecutor, mentorId: string): Promise<number> {
  const rows = await db.query<{ n: number | string }>(`select count(*) as n from mentor_pairings where mentor_id = $1 and status = 'active'`, [mentorId]);
  return Number(rows[0].n);
}

/**
 * Pair rooms still to open (an active pairing whose room is not open) or to close (an ended pairing whose room is
 * open): what the processor does after a crash between a pairing's event and its room's command.
 */
export async function duePairRooms(db: SqlExecutor, limit = 100): Promise<{ action: 'open' | 'close'; pairing: PairingRow }[]> {
  const rows = await db.query(
    `select * from mentor_pairings where (status = 'active' and room_opened = 0) or (status = 'ended' and room_opened = 1 and room_closed = 0)
     order by started_at limit $1`,
    [limit],
  );
  return rows.map(toPairing).map((pairing) => ({ action: pairing.status === 'active' ? ('open' as const) : ('close' as const), pairing }));
}

/** Requests still open that were made at or before `cutoff` (now less the hours a request stays open), oldest first. */
export async function expiredMentorRequests(db: SqlExecutor, cutoff: string, limit = 100): Promise<Pick<MentorRequestRow, 'requestId' | 'participantId'>[]> {
  const rows = await db.query<{ request_id: string; participant_id: string }>(
    `select request_id, participant_id from mentor_requests where status = 'open' and requested_at <= $1 order by position limit $2`,
    [cutoff, limit],
  );
  return rows.map((r) => ({ requestId: String(r.request_id), participantId: String(r.participant_id) }));
}

/** Requests still open, made at or before `cutoff`, whose care team has not been told yet that nobody took them. */
export async function unansweredMentorRequests(db: SqlExecutor, cutoff: string, limit = 100): Promise<Pick<MentorRequestRow, 'requestId' | 'participantId'>[]> {
  const rows = await db.query<{ request_id: string; participant_id: string }>(
    `select request_id, participant_id from mentor_requests r where status = 'open' and requested_at <= $1
       and not exists (select 1 from mentor_requests_unanswered u where u.request_id = r.request_id)
     order by position limit $2`,
    [cutoff, limit],
  );
  return rows.map((r) => ({ requestId: String(r.request_id), participantId: String(r.participant_id) }));
}

/** How many requests are open, and since when the oldest has waited (null: none): for metrics, counts only. */
export async function openMentorRequestStats(db: SqlExecutor): Promise<{ open: number; oldestRequestedAt: string | null }> {
  const rows = await db.query<{ n: number | string; oldest: string | null }>(
    `select count(*) as n, min(requested_at) as oldest from mentor_requests where status = 'open'`,
  );
  return { open: Number(rows[0].n), oldestRequestedAt: rows[0].oldest ?? null };
}

export interface PairingFeedback {
  pairingId: string;
  participantId: string;
  mentorId: string;
  rating: number;
  note: string | null;
  givenAt: string;
  position: number;
}

/** Feedback on pairings, newest first (at most `limit`), of one mentor's or of all; for clinicians and admins. */
export async function pairingFeedback(db: SqlExecutor, mentorId: string | null, limit: number): Promise<PairingFeedback[]> {
  const rows = await db.query<Record<string, unknown>>(
    mentorId === null
      ? `select * from mentor_feedback order by position desc limit $1`
      : `select * from mentor_feedback where mentor_id = $2 order by position desc limit $1`,
    mentorId === null ? [limit] : [limit, mentorId],
  );
  return rows.map((r) => ({
    pairingId: String(r.pairing_id),
    participantId: String(r.participant_id),
    mentorId: String(r.mentor_id),
    rating: Number(r.rating),
    note: r.note === null ? null : String(r.note),
    givenAt: String(r.given_at),
    position: Number(r.position),
  }));
}
