import { Inject, UseFilters } from '@nestjs/common';
import { ConnectedSocket, MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean } from 'class-validator';
import type { Socket } from 'socket.io';
import { CLOCK, commandAck, handleCommand, type Clock } from '@haven/command-handling';
import { CommandRequest, WsExceptionFilter } from '@haven/edge';
import { STORAGE, type Storage } from '@haven/event-store';
import { socketActor } from '@haven/identity';
import { LogFollower, RealtimeGateway } from '@haven/realtime';
import { RoomActivityLimits } from '../room-activity-limits';
import { presenceStreamName, presenceVisibilityDecider } from './presence-privacy';

export class PresenceVisibleRequest extends CommandRequest {
  @ApiProperty({ description: 'false: your rooms are not told when you come and go, and rooms.presence leaves you out; true: shown again' })
  @IsBoolean()
  visible!: boolean;
}

/** rooms.setPresenceVisible: whether a person is shown online in their rooms (docs/PROTOCOL.md, "Ephemeral signals"). */
@WebSocketGateway()
@UseFilters(new WsExceptionFilter())
export class PresencePrivacyGateway {
  constructor(
    @Inject(STORAGE) private readonly storage: Storage,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly follower: LogFollower,
    private readonly realtime: RealtimeGateway,
    private readonly limits: RoomActivityLimits,
  ) {}

  @SubscribeMessage('rooms.setPresenceVisible')
  async setVisible(@ConnectedSocket() s: Socket, @MessageBody() { commandId, visible }: PresenceVisibleRequest) {
    const actor = socketActor(s)!;
    await this.limits.consume('presenceVisibility', actor, '');
    const context = { actor, commandId, now: this.clock.now().toISOString() };
    // delivered, so this node's read model has it: a connection made from now on is announced (or not) accordingly
    const result = await this.follower.whenDelivered(
      await handleCommand(this.storage.events, presenceVisibilityDecider, presenceStreamName(actor.userId), { type: 'SetPresenceVisible', data: { visible }, context }),
    );
    // connected as they choose: their rooms see them come (shown) or go (hidden), from this socket
    if (result.position !== null && !result.replayed) this.realtime.announceVisibilityChange(s, visible);
    return { ok: true, data: commandAck(result) };
  }
}
