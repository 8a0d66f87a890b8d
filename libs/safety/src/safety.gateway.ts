import { UseFilters } from '@nestjs/common';
import { ConnectedSocket, MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import type { Socket } from 'socket.io';
import { WsExceptionFilter } from '@haven/edge';
import { socketActor } from '@haven/identity';
import { AlertRequest, HelpNowRequest, ResolveAlertRequest, SetOnCallRequest } from './safety.requests';
import { SafetyService } from './safety.service';

/** The crisis path over socket.io: "I need help now", and staff acknowledging and resolving alerts. */
@WebSocketGateway()
@UseFilters(new WsExceptionFilter())
export class SafetyGateway {
  constructor(private readonly safety: SafetyService) {}

  @SubscribeMessage('safety.helpNow')
  async helpNow(@ConnectedSocket() s: Socket, @MessageBody() { commandId, conversationKind, conversationId }: HelpNowRequest) {
    const actor = socketActor(s)!;
    // from no conversation, the person is the conversation; an id given with it names someone else, which the port refuses
    const id = conversationKind === 'room' ? conversationId! : (conversationId ?? actor.userId);
    return { ok: true, data: await this.safety.helpNow(actor, { kind: conversationKind, id }, commandId) };
  }

  @SubscribeMessage('safety.acknowledge')
  async acknowledge(@ConnectedSocket() s: Socket, @MessageBody() { commandId, alertId }: AlertRequest) {
    return { ok: true, data: await this.safety.acknowledge(socketActor(s)!, alertId, commandId) };
  }

  @SubscribeMessage('safety.setOnCall')
  async setOnCall(@ConnectedSocket() s: Socket, @MessageBody() { commandId, onCall, userId }: SetOnCallRequest) {
    const actor = socketActor(s)!;
    return { ok: true, data: await this.safety.setOnCall(actor, userId ?? actor.userId, onCall, commandId) };
  }

  @SubscribeMessage('safety.resolve')
  async resolve(@ConnectedSocket() s: Socket, @MessageBody() { commandId, alertId, outcome, note }: ResolveAlertRequest) {
    return { ok: true, data: await this.safety.resolve(socketActor(s)!, alertId, outcome, note, commandId) };
  }
}
