import type { RecordedEvent } from '@haven/event-store';
import type { Projection } from '@haven/projections';
import { isFamilySessionStream, type FamilySessionEvent, type FamilySessionEventType } from '../domain/family-session.events';

/**
 * family_lobby: the guests waiting to be admitted now, since when and from which log position (family_guests keeps
 * who waits, not since when). A read model of its own, so that a deployment that had family_sessions before gets it
 * from the log, not empty.
 */
export const familyLobbyProjection: Projection = {
  name: 'family_lobby',
  eventTypes: ['FamilyInviteRedeemed', 'FamilyGuestAdmitted', 'FamilyGuestRemoved', 'FamilySessionEnded'] satisfies FamilySessionEventType[],
  tables: ['family_lobby'],
  async migrate(db) {
    await db.execute(`create table if not exists family_lobby (
      guest_id text primary key, session_id text not null, redeemed_at text not null, position bigint not null)`);
    await db.execute(`create index if not exists family_lobby_session on family_lobby (session_id)`);
  },
  async apply(tx, recorded: RecordedEvent) {
    if (!isFamilySessionStream(recorded.streamId)) return;
    const event = recorded as unknown as FamilySessionEvent & RecordedEvent;
    switch (event.type) {
      case 'FamilyInviteRedeemed':
        await tx.execute(`insert into family_lobby values ($1, $2, $3, $4) on conflict (guest_id) do nothing`, [
          event.data.guestId,
          event.data.sessionId,
          event.data.redeemedAt,
          recorded.position,
        ]);
        return;
      case 'FamilyGuestAdmitted':
      case 'FamilyGuestRemoved':
        await tx.execute(`delete from family_lobby where guest_id = $1`, [event.data.guestId]);
        return;
      case 'FamilySessionEnded':
        await tx.execute(`delete from family_lobby where session_id = $1`, [event.data.sessionId]);
        return;
      default:
        return;
    }
  },
};
