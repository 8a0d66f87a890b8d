import type { RecordedEvent, SqlExecutor } from '@haven/event-store';
import type { Projection } from '@haven/projections';
import type { RoomEvent, RoomEventType } from '../domain/room.events';
import { isRoomEvent, roomIdOf } from './room-membership.projection';

/**
 * room_agreements: each group's agreement now (rooms.setAgreement), and room_agreement_acceptances: the version each
 * person last accepted. A client reads them before letting a member take part (GET /rooms/:roomId/agreement).
 */
export const roomAgreementsProjection: Projection = {
  name: 'room_agreements',
  eventTypes: ['AgreementSet', 'AgreementAccepted'] satisfies RoomEventType[],
  tables: ['room_agreements', 'room_agreement_acceptances'],
  async migrate(db) {
    await db.execute(`create table if not exists room_agreements (room_id text primary key, text text not null, version integer not null, set_at text not null)`);
    await db.execute(`create table if not exists room_agreement_acceptances (
      room_id text not null, user_id text not null, version integer not null, primary key (room_id, user_id))`);
  },
  async apply(tx, recorded: RecordedEvent) {
    if (!isRoomEvent(recorded)) return;
    const event = recorded as unknown as RoomEvent & RecordedEvent;
    const roomId = roomIdOf(recorded);
    if (event.type === 'AgreementSet') {
      const { text, version, setAt } = event.data;
      if (text === null) await tx.execute(`delete from room_agreements where room_id = $1`, [roomId]);
      else {
        await tx.execute(
          `insert into room_agreements values ($1, $2, $3, $4) on conflict (room_id) do update set text = excluded.text, version = excluded.version, set_at = excluded.set_at`,
          [roomId, text, version, setAt],
        );
      }
    } else if (event.type === 'AgreementAccepted') {
      await tx.execute(
        `insert into room_agreement_acceptances values ($1, $2, $3) on conflict (room_id, user_id) do update set version = excluded.version`,
        [roomId, event.data.userId, event.data.version],
      );
    }
  },
};

export interface RoomAgreement {
  text: string;
  version: number;
  setAt: string;
  /** whether the reader accepted this version */
  accepted: boolean;
}

/** A room's agreement now, as this reader stands to it; null when the room has none. */
export async function agreementOf(db: SqlExecutor, roomId: string, userId: string): Promise<RoomAgreement | null> {
  const [row] = await db.query<{ text: string; version: number | string; set_at: string; accepted: number | string | null }>(
    `select a.text, a.version, a.set_at, x.version as accepted from room_agreements a
     left join room_agreement_acceptances x on x.room_id = a.room_id and x.user_id = $2
     where a.room_id = $1`,
    [roomId, userId],
  );
  if (!row) return null;
  const version = Number(row.version);
  return { text: row.text, version, setAt: row.set_at, accepted: row.accepted !== null && Number(row.accepted) === version };
}
