import { UseFilters } from '@nestjs/common';
import { ConnectedSocket, MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import type { Socket } from 'socket.io';
import { derivedId } from '@haven/command-handling';
import type { Actor } from '@haven/domain';
import { WsExceptionFilter } from '@haven/edge';
import { socketActor } from '@haven/identity';
import { FamilySessionsService } from '../family-sessions.service';
import {
  FamilyGuestRefRequest,
  FamilyInviteRefRequest,
  FamilySessionRefRequest,
  InviteFamilyMemberRequest,
  RescheduleFamilySessionRequest,
  ScheduleFamilySessionRequest,
  TellFamilyLobbyRequest,
} from './family-sessions.requests';

const actorOf = (socket: Socket): Actor => socketActor(socket)!;
const ok = async <T>(work: Promise<T>) => ({ ok: true as const, data: await work });

/** Family sessions over socket.io; the session's conversation is its room (rooms.*). See docs/PROTOCOL.md. */
@WebSocketGateway()
@UseFilters(new WsExceptionFilter())
export class FamilySessionsGateway {
  constructor(private readonly sessions: FamilySessionsService) {}

  @SubscribeMessage('family.schedule')
  schedule(@ConnectedSocket() s: Socket, @MessageBody() { commandId, sessionId, ...data }: ScheduleFamilySessionRequest) {
    const actor = actorOf(s);
    return ok(this.sessions.schedule(actor, sessionId ?? derivedId(actor, commandId, 'family-session'), data, commandId));
  }

  @SubscribeMessage('family.reschedule')
  reschedule(@ConnectedSocket() s: Socket, @MessageBody() { commandId, sessionId, startsAt, endsAt }: RescheduleFamilySessionRequest) {
    return ok(this.sessions.reschedule(actorOf(s), sessionId, { startsAt, endsAt }, commandId));
  }

  @SubscribeMessage('family.invite')
  invite(@ConnectedSocket() s: Socket, @MessageBody() { commandId, sessionId, inviteeLabel }: InviteFamilyMemberRequest) {
    return ok(this.sessions.invite(actorOf(s), sessionId, inviteeLabel, commandId));
  }

  @SubscribeMessage('family.revokeInvite')
  revoke(@ConnectedSocket() s: Socket, @MessageBody() { commandId, sessionId, inviteId }: FamilyInviteRefRequest) {
    return ok(this.sessions.revoke(actorOf(s), sessionId, inviteId, commandId));
  }

  @SubscribeMessage('family.admit')
  admit(@ConnectedSocket() s: Socket, @MessageBody() { commandId, sessionId, guestId }: FamilyGuestRefRequest) {
    return ok(this.sessions.admit(actorOf(s), sessionId, guestId, commandId));
  }

  @SubscribeMessage('family.removeGuest')
  remove(@ConnectedSocket() s: Socket, @MessageBody() { commandId, sessionId, guestId }: FamilyGuestRefRequest) {
    return ok(this.sessions.remove(actorOf(s), sessionId, guestId, commandId));
  }

  @SubscribeMessage('family.tellLobby')
  tellLobby(@ConnectedSocket() s: Socket, @MessageBody() { commandId, sessionId, text }: TellFamilyLobbyRequest) {
    return ok(this.sessions.tellLobby(actorOf(s), sessionId, text, commandId));
  }

  @SubscribeMessage('family.end')
  end(@ConnectedSocket() s: Socket, @MessageBody() { commandId, sessionId }: FamilySessionRefRequest) {
    return ok(this.sessions.end(actorOf(s), sessionId, commandId));
  }
}
