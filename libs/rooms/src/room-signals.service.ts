import { Inject, Injectable } from '@nestjs/common';
import type { Server, Socket } from 'socket.io';
import { CLOCK, type Clock } from '@haven/command-handling';
import type { Actor } from '@haven/domain';
import { STORAGE, type Storage } from '@haven/event-store';
import { channels } from '@haven/realtime';
import { RoomErrors } from './domain/room.errors';
import { isStaff } from './domain/room.policy';
import { speechRefusal } from './domain/room-speech';
import { agreementOf } from './read-models/room-agreements.projection';
import { mutedNow } from './read-models/mute-deadlines.projection';
import { membershipOf } from './read-models/room-membership.projection';
import { findRoom } from './read-models/room-directory.projection';
import { presenceHiddenAmong } from './presence-privacy/presence-privacy.projection';
import { RoomActivityLimits } from './room-activity-limits';
import { GROUP_KINDS, readersHiding } from './hidden-people/hidden-speakers';

/**
 * Typing and presence: ephemeral signals, not events. They go through socket.io directly (and, with REDIS_URL,
 * through the Redis adapter to every node), to the room's channel, whose membership the log follower keeps current.
 */
@Injectable()
export class RoomSignalsService {
  constructor(
    @Inject(STORAGE) private readonly storage: Storage,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly limits: RoomActivityLimits,
  ) {}

  /**
   * Checks and emits one socket's signals in the order it sent them (socket messages are otherwise handled at once,
   * and a "stopped" could overtake its "typing"). Over the limit, a signal is dropped (`sent: false`), not refused.
   */
  async typing(socket: Socket, actor: Actor, roomId: string, typing: boolean): Promise<{ sent: boolean }> {
    const data = socket.data as { typingQueue?: Promise<unknown> };
    const run = (data.typingQueue ?? Promise.resolve()).then(() => this.checkAndEmitTyping(socket, actor, roomId, typing));
    data.typingQueue = run.catch(() => undefined);
    return run;
  }

  private async checkAndEmitTyping(socket: Socket, actor: Actor, roomId: string, typing: boolean): Promise<{ sent: boolean }> {
    const membership = await this.requireMember(actor, roomId);
    const room = await findRoom(this.storage.sql, roomId);
    if (room?.archived) throw RoomErrors.archived(roomId);
    // who may not post may not type either: the same rules as a post's (speechRefusal) but slow mode, from read models.
    // A room's facilitators and staff are exempt, and are not asked about the agreement
    const exempt = membership.moderator || isStaff(actor.role);
    const now = this.clock.now().toISOString();
    const agreement = exempt ? null : await agreementOf(this.storage.sql, roomId, actor.userId);
    const refusal = speechRefusal(
      {
        mute: await mutedNow(this.storage.sql, roomId, actor.userId, now),
        exempt,
        locked: room?.locked ?? false,
        openHours: room?.openHours ?? null,
        agreement: agreement && { version: agreement.version, accepted: agreement.accepted },
        slowMode: null,
      },
      now,
    );
    if (refusal) throw refusal;
    // enough for a client that says "typing" every second or two and "stopped" in between; a flood beyond it would be
    // multiplied by every member of the room
    const allowed = await this.limits.allows('typing', actor, roomId);
    // the room's channel holds family sockets only in a family session's room, as its admitted guests (the log follower
    // moves only those in), so it needs no family exception
    // not to those who hide the typist there (as their messages)
    const hiding = allowed && room && GROUP_KINDS.has(room.kind) ? await readersHiding(this.storage.sql, actor.userId, roomId, null) : [];
    if (allowed) socket.to(channels.room(roomId)).except(hiding.map(channels.user)).emit('typing', { roomId, userId: actor.userId, typing });
    return { sent: allowed };
  }

  /** who is online in a room right now, across every node */
  async online(server: Server, actor: Actor, roomId: string): Promise<string[]> {
    await this.requireMember(actor, roomId);
    // other nodes answer through Redis within socket.io's timeout; a busy or lost node is a retry, not a server error
    const sockets = await server
      .in(channels.room(roomId))
      .fetchSockets()
      .catch(() => {
        throw RoomErrors.presenceUnavailable(roomId);
      });
    const online = [...new Set(sockets.map((s) => (s.data as { actor?: Actor }).actor?.userId).filter((id): id is string => !!id))];
    // not those who asked not to be shown (rooms.setPresenceVisible); the asker knows they are here
    const hidden = await presenceHiddenAmong(this.storage.sql, online.filter((userId) => userId !== actor.userId));
    return online.filter((userId) => !hidden.has(userId)).sort();
  }

  private async requireMember(actor: Actor, roomId: string) {
    const membership = await membershipOf(this.storage.sql, actor, roomId);
    if (!membership) throw RoomErrors.notAMember(roomId);
    return membership;
  }
}
