import type { SqlExecutor } from '@haven/event-store';
import { ROOM_KINDS } from '../domain/room.commands';
import type { RoomEvent } from '../domain/room.events';
import { hidersAt, hidersOf } from './hidden-people.projection';

/** the room kinds hiding covers: the groups (the kinds CreateRoom makes); a mentor pair or a family session is none */
export const GROUP_KINDS: ReadonlySet<string> = new Set(ROOM_KINDS);

/** Of a room event, the person whose words or signs it carries, whom hiding concerns; null for the rest of the room. */
export function speakerOf(event: RoomEvent): string | null {
  switch (event.type) {
    case 'MessagePosted':
    case 'MessageEdited':
    case 'MessageDeleted':
    case 'MessageRedacted':
      return event.data.authorId;
    case 'ReactionAdded':
    case 'ReactionRemoved':
    case 'ReadMarked':
      return event.data.userId;
    default:
      return null;
  }
}

/**
 * Who hides a person, kept per node (per database) because live delivery asks for every message and a query per
 * message would sit on its path. Every node follows the whole log, so each forgets a person's entry when a
 * PersonHidden or PersonUnhidden about them passes its delivery (forgetHiders), and reads it again on the next ask.
 * Two of them: delivery's, read as at the event being delivered (hidersAt), so that its entries are what the log says
 * at the node's delivery whatever other nodes have projected since; and the signals', read as things are now.
 */
const atDelivery = new WeakMap<SqlExecutor, Map<string, Promise<string[]>>>();
const now = new WeakMap<SqlExecutor, Map<string, Promise<string[]>>>();
/** a bound on what a node keeps: past it, it starts again from nothing (a read per speaker) */
const MAX_KEPT = 10_000;

function cachedHidersOf(db: SqlExecutor, speakerId: string, position: number | null): Promise<string[]> {
  const caches = position === null ? now : atDelivery;
  let kept = caches.get(db);
  if (!kept) caches.set(db, (kept = new Map()));
  const cached = kept.get(speakerId);
  if (cached) return cached;
  if (kept.size >= MAX_KEPT) kept.clear();
  const read = position === null ? hidersOf(db, speakerId) : hidersAt(db, speakerId, position);
  kept.set(speakerId, read);
  // a failed read is not kept: the next ask reads again
  read.catch(() => kept.delete(speakerId));
  return read;
}

export function forgetHiders(db: SqlExecutor, hiddenUserId: string): void {
  atDelivery.get(db)?.delete(hiddenUserId);
  now.get(db)?.delete(hiddenUserId);
}

/**
 * The readers who hide this speaker and do not moderate this group room: those the room's emit of the speaker's
 * message (or typing) leaves out. A moderator reads everyone in the room they moderate, hidden or not. `position`: the
 * event being delivered, null for a signal (now).
 */
export async function readersHiding(db: SqlExecutor, speakerId: string, roomId: string, position: number | null): Promise<string[]> {
  const hiders = await cachedHidersOf(db, speakerId, position);
  if (hiders.length === 0) return [];
  const placeholders = hiders.map((_, i) => `$${i + 2}`).join(', ');
  const moderators = await db.query<{ user_id: string }>(
    `select user_id from room_membership_periods
     where room_id = $1 and to_position is null and moderator = 1 and user_id in (${placeholders})`,
    [roomId, ...hiders],
  );
  const moderating = new Set(moderators.map((r) => r.user_id));
  return hiders.filter((userId) => !moderating.has(userId));
}
