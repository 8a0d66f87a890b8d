import { UseFilters } from '@nestjs/common';
import { ConnectedSocket, MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import type { Socket } from 'socket.io';
import { WsExceptionFilter } from '@haven/edge';
import { socketActor } from '@haven/identity';
import { RoomActivityLimits } from '../room-activity-limits';
import { NoticePreferencesService } from './notice-preferences.service';
import { NoticePreferencesRequest } from './notice-preferences.requests';

/** notices.setPreferences: whether and when a person's devices are told while they are away (docs/PROTOCOL.md, "Notice preferences"). */
@WebSocketGateway()
@UseFilters(new WsExceptionFilter())
export class NoticePreferencesGateway {
  constructor(
    private readonly preferences: NoticePreferencesService,
    private readonly limits: RoomActivityLimits,
  ) {}

  @SubscribeMessage('notices.setPreferences')
  async set(@ConnectedSocket() s: Socket, @MessageBody() { commandId, paused, quietHours }: NoticePreferencesRequest) {
    const actor = socketActor(s)!;
    await this.limits.consume('noticePreferences', actor, '');
    const quiet = quietHours ? { from: quietHours.from, until: quietHours.until, timeZone: quietHours.timeZone } : null;
    return { ok: true, data: await this.preferences.set(actor, { paused, quietHours: quiet }, commandId) };
  }
}
