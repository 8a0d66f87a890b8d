/**
 * Who announces a user's presence when several of the user's sockets come and go at once. Each socket carries a mark
 * in `socket.data` that every node sees through `fetchSockets`; the rules below read the marks of the user's other
 * sockets. Repeating an announcement is harmless to clients; missing one leaves a user shown offline while connected
 * (or online after leaving), so the rules may repeat and never miss.
 */
export interface PresenceMark {
  /** when the socket connected (ms), set before it joins the user's channel */
  arrivedAt: number;
  socketId: string;
  /** set when it starts disconnecting, before it looks at the others */
  leaving: boolean;
}

export function arrivalMark(socketId: string, now = Date.now()): PresenceMark {
  return { arrivedAt: now, socketId, leaving: false };
}

/**
 * Online is told by the user's first socket that is staying. Two sockets that connect at the same instant may each
 * see the other: the earlier by (arrivedAt, socket id) announces, so exactly one does; two that do not see each other
 * both announce. A socket already leaving does not count, so a reconnect that overlaps the old socket's departure
 * (which may have announced offline) announces online again.
 */
export function announcesArrival(self: PresenceMark, others: readonly PresenceMark[]): boolean {
  return !others.some((other) => !other.leaving && isEarlier(other, self));
}

/**
 * Offline is told when every other socket of the user is leaving too. A socket marks itself leaving before it looks,
 * so of two that leave at the same instant at least the one that looks last sees the other marked, and announces.
 */
export function announcesDeparture(others: readonly PresenceMark[]): boolean {
  return others.every((other) => other.leaving);
}

function isEarlier(a: PresenceMark, b: PresenceMark): boolean {
  return a.arrivedAt < b.arrivedAt || (a.arrivedAt === b.arrivedAt && a.socketId < b.socketId);
}
