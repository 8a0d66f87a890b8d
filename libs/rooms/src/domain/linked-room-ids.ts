import { derivedId, SYSTEM_ACTOR } from '@haven/domain';

/**
 * Rooms another context opens for something of its own: the same id for everyone who asks (that context, clients,
 * reads), so such a room is found through what it belongs to. UUID-shaped, as every room id is validated.
 */

/** The room of a mentor pairing. */
export const pairRoomIdOf = (pairingId: string): string => derivedId(SYSTEM_ACTOR, pairingId, 'pair-room');

/** The room of a family session. */
export const sessionRoomIdOf = (sessionId: string): string => derivedId(SYSTEM_ACTOR, sessionId, 'family-session-room');
