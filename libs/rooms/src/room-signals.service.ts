import { Inject, Injectable } from '@nestjs/common';
import type { Server, Socket } from 'socket.io';
import { CLOCK, type Clock } from '@haven/command-handling';
import type { Actor } from '@haven/domain';
import { STORAGE, type Storage } from '@haven/event-store';
import { channels } from '@haven/realtime';
import { RoomErrors } from './domain/room.errors';
import { mutedNow } from './read-models/mute-deadlines.projection';
import { currentMembership } from './read-models/room-membership.projection';
import { findRoom } from './read-models/room-directory.projection';

/**
 * Typing and presence: ephemeral signals, not events. They go through socket.io directly (and, with REDIS_URL,
 * through the Redis adapter to every node), to the room's channel, whose membership the log follower keeps current.
 */
@Injectable()
export class RoomSignalsService {
  constructor(
    @Inject(STORAGE) private readonly storage: Storage,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async typing(socket: Socket, actor: Actor, roomId: string, typing: boolean): Promise<void> {
    const membership = await currentMembership(this.storage.sql, roomId, actor.userId);
    if (!membership) throw RoomErrors.notAMember(roomId);
    const room = await findRoom(this.storage.sql, roomId);
    if (room?.archived) throw RoomErrors.archived(roomId);
    // a locked room is read-only for members: no typing either (moderators may still speak)
    if (room?.locked && !membership.moderator) throw RoomErrors.locked();
    const mute = await mutedNow(this.storage.sql, roomId, actor.userId, this.clock.now().toISOString());
    if (mute) throw RoomErrors.muted(mute.mutedUntil, mute.reason);
    socket.to(channels.room(roomId)).emit('typing', { roomId, userId: actor.userId, typing });
  }

  /** who is online in a room right now, across every node */
  async online(server: Server, actor: Actor, roomId: string): Promise<string[]> {
    await this.requireMember(actor, roomId);
    const sockets = await server.in(channels.room(roomId)).fetchSockets();
    return [...new Set(sockets.map((s) => (s.data as { actor?: Actor }).actor?.userId).filter((id): id is string => !!id))].sort();
  }

  private async requireMember(actor: Actor, roomId: string): Promise<void> {
    if (!(await currentMembership(this.storage.sql, roomId, actor.userId))) throw RoomErrors.notAMember(roomId);
  }
}
