import { createHash } from 'node:crypto';
import type { Actor } from './decider';

/**
 * A stable UUID-shaped id derived from an actor, one of their ids and a purpose: a retried create or post names the same
 * thing, and anyone who knows the inputs (a pairing's room, a session's room) computes the same id.
 */
export function derivedId(actor: Actor, commandId: string, purpose: string): string {
  const hex = createHash('sha256').update(`${purpose}\0${actor.userId}\0${commandId}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${((parseInt(hex[16], 16) & 3) | 8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
