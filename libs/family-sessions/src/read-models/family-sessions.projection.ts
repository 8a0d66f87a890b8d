import type { RecordedEvent, SqlExecutor } from '@haven/event-store';
import type { Projection } from '@haven/projections';
import { FAMILY_SESSION_EVENT_TYPES, isFamilySessionStream, type FamilySessionEvent } from '../domain/family-session.events';
import { remindInviteAt } from '../domain/family-session.state';

const ROOM_STREAM_PREFIX = 'room-';

/**
 * family_sessions, family_invites and family_guests: who a session is for, which invites are open (found by the code's
 * hash when one is redeemed), who is waiting or admitted, and how far the session's room has followed (opened, each
 * guest in it or out of it, closed). The rooms context owns the room; this read model follows its events too, so the
 * family-session processor knows which room step is still to do.
 */
export const familySessionsProjection: Projection = {
  name: 'family_sessions',
  // 2: family_invite_reminders came (2026-12-02, 3f351d7) after databases with invites already existed; built anew
  version: 2,
  eventTypes: [...FAMILY_SESSION_EVENT_TYPES, 'FamilySessionRoomOpened', 'MemberJoined', 'MemberRemoved', 'RoomArchived'],
  tables: ['family_sessions', 'family_invites', 'family_guests', 'family_invite_reminders'],
  async migrate(db) {
    await db.execute(`create table if not exists family_sessions (
      session_id text primary key, participant_id text not null, host_id text not null, title text not null,
      starts_at text not null, ends_at text not null, room_id text not null, status text not null,
      room_opened integer not null, room_closed integer not null, position bigint not null)`);
    await db.execute(`create index if not exists family_sessions_room on family_sessions (room_id)`);
    await db.execute(`create index if not exists family_sessions_participant on family_sessions (participant_id)`);
    await db.execute(`create table if not exists family_invites (
      invite_id text primary key, session_id text not null, code_hash text not null unique, invitee_label text not null,
      expires_at text not null, invited_by text not null, status text not null, guest_id text)`);
    await db.execute(`create index if not exists family_invites_session on family_invites (session_id)`);
    await db.execute(`create index if not exists family_invites_due on family_invites (status, expires_at)`);
    await db.execute(`create table if not exists family_guests (
      guest_id text primary key, session_id text not null, invite_id text not null, invitee_label text not null,
      status text not null, in_room integer not null, out_of_room integer not null)`);
    await db.execute(`create index if not exists family_guests_session on family_guests (session_id)`);
    // when to tell the session's people of an invite still unused (remindInviteAt; null: sent within the last hour)
    await db.execute(`create table if not exists family_invite_reminders (
      invite_id text primary key, session_id text not null, issued_at text not null, remind_at text, reminded integer not null)`);
    await db.execute(`create index if not exists family_invite_reminders_due on family_invite_reminders (reminded, remind_at)`);
  },
  async apply(tx, recorded) {
    if (recorded.streamId.startsWith(ROOM_STREAM_PREFIX)) {
      const roomId = recorded.streamId.slice(ROOM_STREAM_PREFIX.length);
      const data = recorded.data as { userId?: string; role?: string };
      const userId = String(data.userId ?? '');
      if (recorded.type === 'FamilySessionRoomOpened') {
        await tx.execute(`update family_sessions set room_opened = 1 where room_id = $1`, [roomId]);
      } else if (recorded.type === 'RoomArchived') {
        await tx.execute(`update family_sessions set room_closed = 1 where room_id = $1`, [roomId]);
      } else if (recorded.type === 'MemberJoined' && data.role === 'family') {
        await tx.execute(`update family_guests set in_room = 1 where guest_id = $1`, [userId]);
      } else if (recorded.type === 'MemberRemoved') {
        await tx.execute(`update family_guests set out_of_room = 1 where guest_id = $1`, [userId]);
      }
      return;
    }
    if (!isFamilySessionStream(recorded.streamId)) return;
    const event = recorded as unknown as FamilySessionEvent & RecordedEvent;
    switch (event.type) {
      case 'FamilySessionScheduled': {
        const d = event.data;
        await tx.execute(
          `insert into family_sessions values ($1, $2, $3, $4, $5, $6, $7, 'scheduled', 0, 0, $8) on conflict (session_id) do nothing`,
          [d.sessionId, d.participantId, d.hostId, d.title, d.startsAt, d.endsAt, d.roomId, recorded.position],
        );
        return;
      }
      case 'FamilySessionRescheduled': {
        const d = event.data;
        await tx.execute(`update family_sessions set starts_at = $2, ends_at = $3 where session_id = $1`, [d.sessionId, d.startsAt, d.endsAt]);
        const reminders = await tx.query<{ invite_id: string; issued_at: string }>(`select invite_id, issued_at from family_invite_reminders where session_id = $1 and reminded = 0`, [d.sessionId]);
        for (const r of reminders) {
          await tx.execute(`update family_invite_reminders set remind_at = $2 where invite_id = $1`, [r.invite_id, remindInviteAt(String(r.issued_at), d.startsAt)]);
        }
        // as the decider's state: each open invite's expiry as the event gives it; before it gave them, never past the new
        // end (ISO times in UTC compare as text)
        if (d.inviteExpiries) {
          for (const [inviteId, expiresAt] of Object.entries(d.inviteExpiries)) {
            await tx.execute(`update family_invites set expires_at = $2 where invite_id = $1 and status = 'open'`, [inviteId, expiresAt]);
          }
        } else {
          await tx.execute(`update family_invites set expires_at = $2 where session_id = $1 and status = 'open' and expires_at > $2`, [d.sessionId, d.endsAt]);
        }
        return;
      }
      case 'FamilyInviteIssued': {
        const d = event.data;
        await tx.execute(
          `insert into family_invites values ($1, $2, $3, $4, $5, $6, 'open', null) on conflict (invite_id) do nothing`,
          [d.inviteId, d.sessionId, d.codeHash, d.inviteeLabel, d.expiresAt, d.invitedBy],
        );
        const [session] = await tx.query<{ starts_at: string }>(`select starts_at from family_sessions where session_id = $1`, [d.sessionId]);
        const remindAt = session ? remindInviteAt(d.issuedAt, String(session.starts_at)) : null;
        await tx.execute(`insert into family_invite_reminders values ($1, $2, $3, $4, 0) on conflict (invite_id) do nothing`, [d.inviteId, d.sessionId, d.issuedAt, remindAt]);
        return;
      }
      case 'FamilyInviteUnusedBeforeSession':
        await tx.execute(`update family_invite_reminders set reminded = 1 where invite_id = $1`, [event.data.inviteId]);
        return;
      case 'FamilyInviteRevoked':
        await tx.execute(`update family_invites set status = 'revoked' where invite_id = $1`, [event.data.inviteId]);
        return;
      case 'FamilyInviteExpired':
        await tx.execute(`update family_invites set status = 'expired' where invite_id = $1`, [event.data.inviteId]);
        return;
      case 'FamilyInviteRedeemed': {
        const d = event.data;
        await tx.execute(`update family_invites set status = 'redeemed', guest_id = $2 where invite_id = $1`, [d.inviteId, d.guestId]);
        await tx.execute(
          `insert into family_guests values ($1, $2, $3, $4, 'waiting', 0, 0) on conflict (guest_id) do nothing`,
          [d.guestId, d.sessionId, d.inviteId, d.inviteeLabel],
        );
        return;
      }
      case 'FamilyGuestAdmitted':
        await tx.execute(`update family_guests set status = 'admitted' where guest_id = $1`, [event.data.guestId]);
        return;
      case 'FamilyGuestRemoved':
        await tx.execute(`update family_guests set status = 'removed' where guest_id = $1`, [event.data.guestId]);
        return;
      case 'FamilySessionEnded':
        await tx.execute(`update family_sessions set status = 'ended' where session_id = $1`, [event.data.sessionId]);
        return;
      default:
        return;
    }
  },
};

export interface FamilySessionRow {
  sessionId: string;
  participantId: string;
  hostId: string;
  title: string;
  startsAt: string;
  endsAt: string;
  roomId: string;
  status: 'scheduled' | 'ended';
  roomOpened: boolean;
  roomClosed: boolean;
}

const toSession = (r: Record<string, unknown>): FamilySessionRow => ({
  sessionId: String(r.session_id),
  participantId: String(r.participant_id),
  hostId: String(r.host_id),
  title: String(r.title),
  startsAt: String(r.starts_at),
  endsAt: String(r.ends_at),
  roomId: String(r.room_id),
  status: String(r.status) as FamilySessionRow['status'],
  roomOpened: Number(r.room_opened) === 1,
  roomClosed: Number(r.room_closed) === 1,
});

export async function findFamilySession(db: SqlExecutor, sessionId: string): Promise<FamilySessionRow | null> {
  const rows = await db.query(`select * from family_sessions where session_id = $1`, [sessionId]);
  return rows.length === 0 ? null : toSession(rows[0]);
}

/** Sessions a participant or host is in, or (null) every session not ended, for clinicians. */
export async function familySessionsOf(db: SqlExecutor, userId: string | null): Promise<FamilySessionRow[]> {
  const rows =
    userId === null
      ? await db.query(`select * from family_sessions where status = 'scheduled' order by starts_at`)
      : await db.query(`select * from family_sessions where participant_id = $1 or host_id = $1 order by starts_at`, [userId]);
  return rows.map(toSession);
}

export interface InviteRow {
  inviteId: string;
  sessionId: string;
  inviteeLabel: string;
  expiresAt: string;
  invitedBy: string;
  status: string;
  guestId: string | null;
}

const toInvite = (r: Record<string, unknown>): InviteRow => ({
  inviteId: String(r.invite_id),
  sessionId: String(r.session_id),
  inviteeLabel: String(r.invitee_label),
  expiresAt: String(r.expires_at),
  invitedBy: String(r.invited_by),
  status: String(r.status),
  guestId: r.guest_id === null ? null : String(r.guest_id),
});

/** The invite a code's hash names (never the hash itself back). */
export async function inviteByCodeHash(db: SqlExecutor, codeHash: string): Promise<InviteRow | null> {
  const rows = await db.query(`select * from family_invites where code_hash = $1`, [codeHash]);
  return rows.length === 0 ? null : toInvite(rows[0]);
}

export async function invitesOf(db: SqlExecutor, sessionId: string): Promise<InviteRow[]> {
  return (await db.query(`select * from family_invites where session_id = $1 order by invite_id`, [sessionId])).map(toInvite);
}

export interface GuestRow {
  guestId: string;
  sessionId: string;
  inviteId: string;
  inviteeLabel: string;
  status: 'waiting' | 'admitted' | 'removed';
  inRoom: boolean;
  outOfRoom: boolean;
}

const toGuest = (r: Record<string, unknown>): GuestRow => ({
  guestId: String(r.guest_id),
  sessionId: String(r.session_id),
  inviteId: String(r.invite_id),
  inviteeLabel: String(r.invitee_label),
  status: String(r.status) as GuestRow['status'],
  inRoom: Number(r.in_room) === 1,
  outOfRoom: Number(r.out_of_room) === 1,
});

export async function guestsOf(db: SqlExecutor, sessionId: string): Promise<GuestRow[]> {
  return (await db.query(`select * from family_guests where session_id = $1 order by guest_id`, [sessionId])).map(toGuest);
}

export type DueRoomStep =
  | { action: 'open' | 'close' | 'end'; session: FamilySessionRow }
  | { action: 'admit' | 'remove'; session: FamilySessionRow; guestId: string }
  | { action: 'expire-invite' | 'remind-invite'; invite: Pick<InviteRow, 'sessionId' | 'inviteId'> };

/**
 * What the session's room has not followed yet (a node stopped between a session's event and its room's command),
 * sessions an hour past their end that nobody ended, open invites past their `expiresAt`, and open invites an hour
 * before their session that nobody was told of yet: the family-session processor does each.
 */
export async function dueFamilyRoomSteps(db: SqlExecutor, now: string, limit = 100): Promise<DueRoomStep[]> {
  const endBefore = new Date(Date.parse(now) - 3_600_000).toISOString();
  const sessions = (
    await db.query(
      `select * from family_sessions where (status = 'scheduled' and (room_opened = 0 or ends_at < $1))
         or (status = 'ended' and room_opened = 1 and room_closed = 0) limit $2`,
      [endBefore, limit],
    )
  ).map(toSession);
  const steps: DueRoomStep[] = sessions.map((session) => ({
    action: session.status === 'ended' ? 'close' : session.roomOpened ? 'end' : 'open',
    session,
  }));
  const guests = await db.query(
    `select g.guest_id, g.status as guest_status, s.* from family_guests g join family_sessions s on s.session_id = g.session_id
      where s.room_opened = 1 and s.room_closed = 0 and s.status = 'scheduled'
        and ((g.status = 'admitted' and g.in_room = 0) or (g.status = 'removed' and g.in_room = 1 and g.out_of_room = 0))
      limit $1`,
    [limit],
  );
  for (const row of guests) {
    steps.push({ action: row.guest_status === 'admitted' ? 'admit' : 'remove', session: toSession(row), guestId: String(row.guest_id) });
  }
  const expired = await db.query<{ invite_id: string; session_id: string }>(
    `select invite_id, session_id from family_invites where status = 'open' and expires_at <= $1 limit $2`,
    [now, limit],
  );
  for (const row of expired) steps.push({ action: 'expire-invite', invite: { inviteId: String(row.invite_id), sessionId: String(row.session_id) } });
  const unused = await db.query<{ invite_id: string; session_id: string }>(
    `select r.invite_id, r.session_id from family_invite_reminders r
       join family_invites i on i.invite_id = r.invite_id join family_sessions s on s.session_id = r.session_id
      where r.reminded = 0 and r.remind_at is not null and r.remind_at <= $1 and i.status = 'open' and i.expires_at > $1
        and s.status = 'scheduled'
      limit $2`,
    [now, limit],
  );
  for (const row of unused) steps.push({ action: 'remind-invite', invite: { inviteId: String(row.invite_id), sessionId: String(row.session_id) } });
  return steps;
}

/** Family guests who redeemed their code and wait to be admitted, in sessions not ended: for metrics, a count only. */
export async function waitingFamilyGuestCount(db: SqlExecutor): Promise<number> {
  const rows = await db.query<{ n: number | string }>(
    `select count(*) as n from family_guests g join family_sessions s on s.session_id = g.session_id
      where g.status = 'waiting' and s.status = 'scheduled'`,
  );
  return Number(rows[0].n);
}
