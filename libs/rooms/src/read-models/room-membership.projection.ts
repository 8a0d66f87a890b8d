import { isOverseer, type Actor } from '@haven/domain';
import { sessionRoomIdOf } from '../domain/linked-room-ids';
import type { RecordedEvent, SqlExecutor, SqlWriter } from '@haven/event-store';
import type { Projection } from '@haven/projections';
import type { RoomEvent, RoomEventType } from '../domain/room.events';

/**
 * room_membership_periods: who was in which room, as what, between which log positions.
 * A new period starts whenever someone joins or their moderator status changes; it ends (to_position) when they
 * leave, are removed or banned. One table answers the roster (open periods), live channel membership at a position,
 * and catch-up visibility ("was this user a member when that event happened?").
 * from_position is inclusive (a joiner sees their own join), to_position exclusive.
 */
export const roomMembershipProjection: Projection = {
  name: 'room_membership',
  eventTypes: ['RoomCreated', 'PairRoomOpened', 'FamilySessionRoomOpened', 'MemberJoined', 'FacilitatorAppointed', 'FacilitatorRemoved', 'MemberLeft', 'MemberRemoved', 'MemberBanned'] satisfies RoomEventType[],
  tables: ['room_membership_periods'],
  async migrate(db) {
    await db.execute(`create table if not exists room_membership_periods (
      room_id text not null, user_id text not null, global_role text not null, moderator integer not null,
      from_position bigint not null, to_position bigint,
      primary key (room_id, user_id, from_position))`);
    await db.execute(`create index if not exists room_membership_periods_user on room_membership_periods (user_id, room_id)`);
  },
  async apply(tx, recorded) {
    if (!isRoomEvent(recorded)) return;
    const event = recorded as unknown as RoomEvent & RecordedEvent;
    const roomId = roomIdOf(recorded);
    const p = recorded.position;
    switch (event.type) {
      case 'RoomCreated':
        return open(tx, roomId, event.data.createdBy, event.data.creatorRole, true, p);
      case 'PairRoomOpened':
        // the roles the room's state knows them by (room.state.ts); nobody moderates a pair
        await open(tx, roomId, event.data.participantId, 'participant', false, p);
        return open(tx, roomId, event.data.mentorId, 'mentor', false, p);
      case 'FamilySessionRoomOpened':
        // as the room's state knows them: the host facilitates the session's room
        await open(tx, roomId, event.data.participantId, 'participant', false, p);
        return open(tx, roomId, event.data.hostId, 'clinician', true, p);
      case 'MemberJoined':
        // clinicians and admins moderate any room they are in; facilitators only rooms that appointed them
        return open(tx, roomId, event.data.userId, event.data.role, isOverseer(event.data.role), p);
      case 'FacilitatorAppointed':
      case 'FacilitatorRemoved': {
        const current = await currentPeriod(tx, roomId, event.data.userId);
        if (!current) return;
        await close(tx, roomId, event.data.userId, p);
        const moderator = event.type === 'FacilitatorAppointed' || isOverseer(current.global_role);
        return open(tx, roomId, event.data.userId, current.global_role, moderator, p);
      }
      case 'MemberLeft':
      case 'MemberRemoved':
      case 'MemberBanned':
        return close(tx, roomId, event.data.userId, p);
      default:
        return;
    }
  },
};

export const isRoomEvent = (event: RecordedEvent): boolean => event.streamId.startsWith('room-');
export const roomIdOf = (event: RecordedEvent): string => event.streamId.slice('room-'.length);

type PeriodRow = {
  room_id: string;
  user_id: string;
  global_role: string;
  moderator: number;
  from_position: number | string;
  to_position: number | string | null;
};

async function open(tx: SqlWriter, roomId: string, userId: string, role: string, moderator: boolean, p: number) {
  await tx.execute(
    `insert into room_membership_periods (room_id, user_id, global_role, moderator, from_position, to_position)
     values ($1, $2, $3, $4, $5, null) on conflict (room_id, user_id, from_position) do nothing`,
    [roomId, userId, role, moderator ? 1 : 0, p],
  );
}

async function close(tx: SqlWriter, roomId: string, userId: string, p: number) {
  await tx.execute(
    `update room_membership_periods set to_position = $3 where room_id = $1 and user_id = $2 and to_position is null`,
    [roomId, userId, p],
  );
}

async function currentPeriod(tx: SqlWriter, roomId: string, userId: string): Promise<PeriodRow | undefined> {
  const rows = await tx.query<PeriodRow>(
    `select * from room_membership_periods where room_id = $1 and user_id = $2 and to_position is null`,
    [roomId, userId],
  );
  return rows[0];
}

export interface MembershipPeriod {
  roomId: string;
  /** the global role they joined with; 'family' for a family session's guests */
  role: string;
  moderator: boolean;
  from: number;
  to: number | null;
}

/** Every period of one user, for catch-up filtering in memory. */
export async function periodsOfUser(db: SqlExecutor, userId: string): Promise<MembershipPeriod[]> {
  const rows = await db.query<PeriodRow>(`select * from room_membership_periods where user_id = $1`, [userId]);
  return rows.map((r) => ({
    roomId: r.room_id,
    role: r.global_role,
    moderator: Number(r.moderator) === 1,
    from: Number(r.from_position),
    to: r.to_position === null ? null : Number(r.to_position),
  }));
}

export const coversPosition = (period: MembershipPeriod, position: number): boolean =>
  period.from <= position && (period.to === null || period.to > position);

export interface RosterEntry {
  userId: string;
  role: string;
  moderator: boolean;
  since: number;
}

/** The current members of a room. */
export async function roomRoster(db: SqlExecutor, roomId: string): Promise<RosterEntry[]> {
  const rows = await db.query<PeriodRow>(
    `select * from room_membership_periods where room_id = $1 and to_position is null order by from_position`,
    [roomId],
  );
  return rows.map((r) => ({ userId: r.user_id, role: r.global_role, moderator: Number(r.moderator) === 1, since: Number(r.from_position) }));
}

/** Is this user a current member (and moderator) of the room? */
export async function currentMembership(db: SqlExecutor, roomId: string, userId: string) {
  const period = await currentPeriod(db, roomId, userId);
  return period ? { moderator: Number(period.moderator) === 1 } : null;
}

/** The room whose periods a login may use: a family login only its own session's room; null: every room. */
export const familyRoomOf = (actor: Actor): string | null =>
  // a family token always names its session (actor-claims.ts); without one, a room id nothing has
  actor.role === 'family' ? (actor.familySessionId ? sessionRoomIdOf(actor.familySessionId) : '') : null;

/**
 * Which of a user's periods are this login's, as the room decider rules (room.policy.ts isMemberActor): a family login's
 * are only those it joined as a guest of its own session's room; any other login's are those not joined as a guest. So
 * a relative's login under a member's user id (an identity provider may do that) has none.
 */
export function periodsOfActor(periods: MembershipPeriod[], actor: Actor): MembershipPeriod[] {
  const familyRoom = familyRoomOf(actor);
  return familyRoom === null
    ? periods.filter((p) => p.role !== 'family')
    : periods.filter((p) => p.role === 'family' && p.roomId === familyRoom);
}

/** The acting login's current membership, for reads and signals; see periodsOfActor for family logins. */
export async function membershipOf(db: SqlExecutor, actor: Actor, roomId: string) {
  const familyRoom = familyRoomOf(actor);
  if (familyRoom !== null && roomId !== familyRoom) return null;
  const period = await currentPeriod(db, roomId, actor.userId);
  if (!period || (period.global_role === 'family') !== (familyRoom !== null)) return null;
  return { moderator: Number(period.moderator) === 1 };
}
