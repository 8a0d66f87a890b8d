import { Logger } from '@nestjs/common';
import type { Actor, Role } from '@haven/domain';
import type { RealtimeGateway } from './realtime.gateway';

/** how many people of a role a node remembers having noted; past it, it forgets them all and notes again (appending nothing) */
const REMEMBERED = 10_000;

const logger = new Logger('FirstArrivals');

/**
 * Haven learns of a clinic's people of some roles only as they connect (the identity provider holds the list): `note`
 * records one of `role` at their first connection to this node, before the socket is attached, so that the socket's
 * `ready.position` covers it. Its decider appends once per person in the log; a node remembers whom it noted, so their
 * later connections cost nothing. A failed note is tried again at their next connection.
 */
export function noteFirstArrivals(gateway: RealtimeGateway, role: Role, note: (actor: Actor) => Promise<void>): void {
  const noted = new Set<string>();
  gateway.onArrival(async (actor) => {
    if (actor.role !== role || noted.has(actor.userId)) return;
    try {
      await note(actor);
      if (noted.size >= REMEMBERED) noted.clear();
      noted.add(actor.userId);
    } catch (error) {
      logger.warn({ msg: `a ${role} could not be noted as seen`, error: error instanceof Error ? error.name : 'error' });
    }
  });
}
