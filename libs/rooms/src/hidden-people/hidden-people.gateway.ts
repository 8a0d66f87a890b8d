import { UseFilters } from '@nestjs/common';
import { ConnectedSocket, MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import type { Socket } from 'socket.io';
import { WsExceptionFilter } from '@haven/edge';
import { socketActor } from '@haven/identity';
import { RoomActivityLimits } from '../room-activity-limits';
import { HiddenPeopleService } from './hidden-people.service';
import { HidePersonRequest } from './hidden-people.requests';

/** rooms.hidePerson and rooms.unhidePerson: a person's own hidden list (docs/PROTOCOL.md, "Hiding a person"). */
@WebSocketGateway()
@UseFilters(new WsExceptionFilter())
export class HiddenPeopleGateway {
  constructor(
    private readonly hiddenPeople: HiddenPeopleService,
    private readonly limits: RoomActivityLimits,
  ) {}

  @SubscribeMessage('rooms.hidePerson')
  async hide(@ConnectedSocket() s: Socket, @MessageBody() { commandId, userId }: HidePersonRequest) {
    const actor = socketActor(s)!;
    await this.limits.consume('hiding', actor, '');
    return { ok: true, data: await this.hiddenPeople.hide(actor, userId, commandId) };
  }

  @SubscribeMessage('rooms.unhidePerson')
  async unhide(@ConnectedSocket() s: Socket, @MessageBody() { commandId, userId }: HidePersonRequest) {
    const actor = socketActor(s)!;
    await this.limits.consume('hiding', actor, '');
    return { ok: true, data: await this.hiddenPeople.unhide(actor, userId, commandId) };
  }
}
