import { Inject, Logger, UseFilters, type OnModuleDestroy } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
  WebSocketServer,
  type OnGatewayConnection,
  type OnGatewayInit,
} from '@nestjs/websockets';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import type { Server, Socket } from 'socket.io';
import { DomainError, type Actor } from '@haven/domain';
import { WsExceptionFilter } from '@haven/edge';
import {
  createSocketAuthMiddleware,
  refreshSocketSession,
  SessionExpiries,
  socketActor,
  TOKEN_VERIFIER,
  type TokenVerifier,
} from '@haven/identity';
import { channels } from './delivery-policy';
import { LogFollower } from './log-follower';
import { announcesArrival, announcesDeparture, arrivalMark, type PresenceMark } from './presence';
import { resumeAfterOf, resumePositionMiddleware } from './resume-position';
import { PRESENCE_PRIVACY, type PresencePrivacy } from './realtime.tokens';
import { SessionRefreshRequestDto } from './session-refresh.request.dto';
import { SyncRequestDto } from './sync.request.dto';

/**
 * The connection: verifies the token in the handshake, then attaches the socket to the log follower,
 * resuming after `auth.lastPosition` when the client gives one. `ready` tells the client live delivery has begun.
 */
@WebSocketGateway()
@UseFilters(new WsExceptionFilter())
export class RealtimeGateway implements OnGatewayInit, OnGatewayConnection, OnModuleDestroy {
  private readonly logger = new Logger(RealtimeGateway.name);
  /**
   * A sync re-reads the log from `after` inside this node's one delivery queue, so a flood of them would stall
   * live delivery for everyone; a reconnecting client needs one. Per user, per node.
   */
  private readonly syncLimiter = new RateLimiterMemory({ points: SYNCS_PER_MINUTE, duration: 60 });
  /**
   * A connection with `auth.lastPosition` replays the log in the same queue, so reconnecting in a loop stalled every
   * member's delivery as a flood of syncs would (100 at once held others' posts 3 s). A connection without it replays
   * nothing and is never limited: a user can always come back and ask for help.
   */
  private readonly catchUpLimiter = new RateLimiterMemory({ points: CATCH_UPS_PER_MINUTE, duration: 60 });
  /** each refresh verifies a token (and reads the suspensions table): a client needs one per token it is given */
  private readonly refreshLimiter = new RateLimiterMemory({ points: REFRESHES_PER_MINUTE, duration: 60 });
  private readonly sessionExpiries = new SessionExpiries();
  /** told of each socket's login before it is attached (onArrival) */
  private readonly arrivals: ((actor: Actor) => Promise<void>)[] = [];
  @WebSocketServer() server!: Server;

  constructor(
    private readonly follower: LogFollower,
    @Inject(TOKEN_VERIFIER) private readonly verifier: TokenVerifier,
    @Inject(PRESENCE_PRIVACY) private readonly presencePrivacy: PresencePrivacy,
  ) {}

  afterInit(server: Server): void {
    server.use(createSocketAuthMiddleware(this.verifier));
    server.use(resumePositionMiddleware);
    server.use((socket, next) => this.limitCatchUps(socket, next));
  }

  onModuleDestroy(): void {
    this.sessionExpiries.stop();
  }

  /**
   * `listener` is told of the login of each socket that connects to this node, and the socket is attached once it is
   * through (mentoring notes a mentor's first connection, so that `ready.position` covers it). It must not throw.
   */
  onArrival(listener: (actor: Actor) => Promise<void>): void {
    this.arrivals.push(listener);
  }

  async handleConnection(socket: Socket): Promise<void> {
    this.sessionExpiries.watch(socket);
    // before attach joins the user's channel, where the user's other sockets look for it
    socket.data.presence = arrivalMark(socket.id);
    const actor = socketActor(socket)!;
    const after = resumeAfterOf(socket);
    try {
      // a client coming back from a node that was ahead of this one (several nodes) has events this node has not
      // delivered yet: wait for them, so none is sent to it again; a position never reached (another deployment's
      // store) gives up when an ack would (waitFor's 5 s) and resumes from this node's position, below the client's
      if (after !== null) await this.follower.waitFor(after);
      for (const arriving of this.arrivals) await arriving(actor);
      if (!socket.connected) return;
      const { position, caughtUp } = await this.follower.attach(socket, actor, after);
      socket.emit('ready', { position, caughtUp });
      closeOldestBeyondCap(socket, actor);
      void this.announceArrival(socket);
      socket.on('disconnecting', () => void this.announceDeparture(socket));
    } catch (error) {
      this.logger.error(`attach failed: ${String(error)}`);
      socket.emit('error', { ok: false, error: { code: 'INTERNAL', message: 'could not attach to live delivery', details: {} } });
      socket.disconnect(true);
    }
  }

  /** online only from the user's first socket, on any node (a second tab or a reconnect announces nothing); see presence.ts */
  private async announceArrival(socket: Socket): Promise<void> {
    const roomIds = roomIdsOf(socket);
    if (roomIds.length === 0 || (await this.hidesPresence(socket))) return;
    const others = await this.otherSocketsOfUser(socket);
    if (others && announcesArrival(presenceOf(socket)!, others) && socket.connected) this.announcePresence(socket, roomIds, true);
  }

  /** offline only from the user's last socket, on any node; rooms are read before the socket leaves them */
  private async announceDeparture(socket: Socket): Promise<void> {
    const roomIds = roomIdsOf(socket);
    presenceOf(socket)!.leaving = true; // before looking: see announcesDeparture
    if (roomIds.length === 0 || (await this.hidesPresence(socket))) return;
    const others = await this.otherSocketsOfUser(socket);
    if (others && announcesDeparture(others)) this.announcePresence(socket, roomIds, false);
  }

  /** a user who asked not to be shown online is announced neither way; a failed read announces nothing (the safe side) */
  private async hidesPresence(socket: Socket): Promise<boolean> {
    return this.presencePrivacy.hidden(socketActor(socket)!.userId).catch(() => true);
  }

  /**
   * A user who changed whether they are shown: from this socket, the rooms it is in (the user's other sockets are in the
   * same ones) are told they are online (shown again) or offline (hidden), as if they had come or gone.
   */
  announceVisibilityChange(socket: Socket, visible: boolean): void {
    this.announcePresence(socket, roomIdsOf(socket), visible);
  }

  /** presence is ephemeral: told to the rooms the user's socket is in (by the arriving socket to the others), never stored */
  private announcePresence(socket: Socket, roomIds: string[], online: boolean): void {
    const userId = socketActor(socket)!.userId;
    const from = online ? socket : this.server;
    for (const roomId of roomIds) from.to(channels.room(roomId)).emit('presence', { roomId, userId, online });
  }

  /**
   * The presence marks of the user's other sockets, on every node (asked only when there is a room to tell); null when
   * a node goes away mid-fetch: presence is best effort, and announcing nothing then is the safe side.
   */
  private async otherSocketsOfUser(socket: Socket): Promise<PresenceMark[] | null> {
    try {
      const sockets = await this.server.in(channels.user(socketActor(socket)!.userId)).fetchSockets();
      // a socket without a mark (a node of an older version) counts as an earlier one that stays: the old rule
      return sockets
        .filter((other) => other.id !== socket.id)
        .map((other) => (other.data as { presence?: PresenceMark }).presence ?? { arrivedAt: 0, socketId: other.id, leaving: false });
    } catch {
      return null;
    }
  }

  /**
   * Whether the user has a socket that is staying, on any node (offline notices ask before telling a user's devices):
   * null when a node does not answer, so the caller decides which way to err.
   */
  async isConnected(userId: string): Promise<boolean | null> {
    try {
      const sockets = await this.server.in(channels.user(userId)).fetchSockets();
      return sockets.some((socket) => !(socket.data as { presence?: PresenceMark }).presence?.leaving);
    } catch {
      return null;
    }
  }

  private limitCatchUps(socket: Socket, next: (error?: Error) => void): void {
    if (resumeAfterOf(socket) === null) return next();
    this.catchUpLimiter.consume(socketActor(socket)!.userId).then(
      () => next(),
      () => {
        const message = `at most ${CATCH_UPS_PER_MINUTE} connections with lastPosition a minute; connect without it, or wait and retry`;
        next(Object.assign(new Error(message), { data: { code: 'REALTIME.RATE_LIMITED', message } }));
      },
    );
  }

  @SubscribeMessage('sync')
  async sync(@ConnectedSocket() socket: Socket, @MessageBody() request: SyncRequestDto) {
    const actor = socketActor(socket)!;
    await this.syncLimiter.consume(actor.userId).catch(() => {
      throw new DomainError('REALTIME.RATE_LIMITED', `at most ${SYNCS_PER_MINUTE} sync requests a minute; wait and retry`);
    });
    const data = await this.follower.attach(socket, actor, request.after);
    return { ok: true, data };
  }

  /** a newer token of the same actor: the socket lives on to its expiry instead of `session.expired` and a reconnect */
  @SubscribeMessage('session.refresh')
  async refreshSession(@ConnectedSocket() socket: Socket, @MessageBody() request: SessionRefreshRequestDto) {
    await this.refreshLimiter.consume(socketActor(socket)!.userId).catch(() => {
      throw new DomainError('REALTIME.RATE_LIMITED', `at most ${REFRESHES_PER_MINUTE} session refreshes a minute; wait and retry`);
    });
    return { ok: true, data: await refreshSocketSession(socket, this.verifier, request.token) };
  }
}

/**
 * Sockets one user keeps on one node. Past it the user's oldest socket there is closed, with an `error` event first:
 * a new connection is never refused, so a user can always come back (say, from a phone whose old connection the server
 * has not noticed is gone), and one token cannot hold an unbounded share of the node's connections and memory.
 */
export const SOCKETS_PER_USER_AND_NODE = 10;

function closeOldestBeyondCap(socket: Socket, actor: Actor): void {
  // this node's sockets in the user's channel, in the order they joined it (a Set keeps insertion order), of the same
  // role: a family guest's login under a member's user id (a misconfigured identity provider) is someone else, and
  // must not close the member's sockets
  const ids = socket.nsp.adapter.rooms.get(channels.user(actor.userId));
  if (!ids || ids.size <= SOCKETS_PER_USER_AND_NODE) return;
  const sameRole = [...ids].flatMap((id) => {
    const other = socket.nsp.sockets.get(id);
    return other && socketActor(other)?.role === actor.role ? [other] : [];
  });
  for (const oldest of sameRole.slice(0, Math.max(0, sameRole.length - SOCKETS_PER_USER_AND_NODE))) {
    if (oldest === socket) continue;
    const message = `at most ${SOCKETS_PER_USER_AND_NODE} connections per user; this one, your oldest, was closed`;
    oldest.emit('error', { ok: false, error: { code: 'REALTIME.TOO_MANY_CONNECTIONS', message, details: { max: SOCKETS_PER_USER_AND_NODE } } });
    oldest.disconnect(true);
  }
}

const SYNCS_PER_MINUTE = 10;
const REFRESHES_PER_MINUTE = 10;
const CATCH_UPS_PER_MINUTE = 20;

const presenceOf = (socket: Socket): PresenceMark | undefined => (socket.data as { presence?: PresenceMark }).presence;

const roomIdsOf = (socket: Socket): string[] =>
  [...socket.rooms].flatMap((name) => /^room:([^:]+)$/.exec(name)?.slice(1) ?? []);
