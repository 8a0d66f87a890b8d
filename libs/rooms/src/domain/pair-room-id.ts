import { createHash } from 'node:crypto';

/**
 * The id of a mentor pairing's room: the same for everyone who asks (the mentoring context, clients, reads), so the
 * room is found through its pairing. UUID-shaped, as every room id is validated; derived from a sha256 of the purpose
 * and the pairing id exactly as the command handler's `derivedId(SYSTEM_ACTOR, pairingId, 'pair-room')` (a test pins
 * the two together), without importing the command handler into the domain.
 */
export function pairRoomIdOf(pairingId: string): string {
  return systemDerivedId(pairingId, 'pair-room');
}

/**
 * The id of a family session's room, found through its session the same way: exactly
 * `derivedId(SYSTEM_ACTOR, sessionId, 'family-session-room')` (a test pins the two together).
 */
export function sessionRoomIdOf(sessionId: string): string {
  return systemDerivedId(sessionId, 'family-session-room');
}

function systemDerivedId(commandId: string, purpose: string): string {
  const hex = createHash('sha256').update(`${purpose}\0system\0${commandId}`).digest('hex');
  const variant = ((parseInt(hex[16], 16) & 3) | 8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
