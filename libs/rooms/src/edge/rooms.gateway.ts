import { UseFilters } from '@nestjs/common';
import { ConnectedSocket, MessageBody, SubscribeMessage, WebSocketGateway, WebSocketServer } from '@nestjs/websockets';
import type { Server, Socket } from 'socket.io';
import type { Actor } from '@haven/domain';
import { WsExceptionFilter } from '@haven/edge';
import { socketActor } from '@haven/identity';
import { derivedId, RoomCommandsService } from '../room-commands.service';
import { RoomOnlyRequest, CreateRoomRequest, RenameRoomRequest, ChangeTopicRequest, ChangeJoinRuleRequest, TargetUserRequest, SetAgreementRequest, AcceptAgreementRequest, SetOpenHoursRequest } from './room-settings.requests';
import { PostMessageRequest, EditMessageRequest, MessageRefRequest, ReactionRequest, MarkReadRequest, ReadReceiptPrivacyRequest, AwayNoticesRequest, TypingRequest, PresenceRequest } from './room-messaging.requests';
import { RoomSignalsService } from '../room-signals.service';
import { RoomActivityLimits, type RoomActivity } from '../room-activity-limits';
import { SafetyService } from '@haven/safety/safety.service';
import { MuteMemberRequest, WarnMemberRequest, ReasonedTargetRequest, RedactMessageRequest, SlowModeRequest, LockRequest, ReportMessageRequest, ResolveReportRequest } from './room-moderation.requests';

const actorOf = (socket: Socket): Actor => socketActor(socket)!;
const ok = async <T>(work: Promise<T>) => ({ ok: true as const, data: await work });

/**
 * Room commands over socket.io: each message is validated, turned into a command and acked with its result.
 * Live events arrive separately, from the log, on `event`. See docs/PROTOCOL.md.
 */
@WebSocketGateway()
@UseFilters(new WsExceptionFilter())
export class RoomsGateway {
  @WebSocketServer() server!: Server;

  constructor(
    private readonly rooms: RoomCommandsService,
    private readonly signals: RoomSignalsService,
    private readonly safety: SafetyService,
    private readonly limits: RoomActivityLimits,
  ) {}

  /** a command one member could flood the room with: counted against the member's limit first (room-activity-limits) */
  private async limited<T>(activity: RoomActivity, actor: Actor, roomId: string, work: () => Promise<T>) {
    await this.limits.consume(activity, actor, roomId);
    return ok(work());
  }

  @SubscribeMessage('rooms.typing')
  typing(@ConnectedSocket() s: Socket, @MessageBody() { roomId, typing }: TypingRequest) {
    return ok(this.signals.typing(s, actorOf(s), roomId, typing));
  }

  @SubscribeMessage('rooms.presence')
  presence(@ConnectedSocket() s: Socket, @MessageBody() { roomId }: PresenceRequest) {
    return ok(this.signals.online(this.server, actorOf(s), roomId).then((online) => ({ roomId, online })));
  }

  @SubscribeMessage('rooms.create')
  create(@ConnectedSocket() s: Socket, @MessageBody() { commandId, roomId, ...settings }: CreateRoomRequest) {
    const actor = actorOf(s);
    const id = roomId ?? derivedId(actor, commandId, 'room');
    return ok(this.rooms.execute('CreateRoom', { roomId: id, ...settings }, actor, commandId).then((ack) => ({ ...ack, roomId: id })));
  }

  @SubscribeMessage('rooms.rename')
  rename(@ConnectedSocket() s: Socket, @MessageBody() { commandId, ...data }: RenameRoomRequest) {
    return ok(this.rooms.execute('RenameRoom', data, actorOf(s), commandId));
  }

  @SubscribeMessage('rooms.changeTopic')
  changeTopic(@ConnectedSocket() s: Socket, @MessageBody() { commandId, ...data }: ChangeTopicRequest) {
    return ok(this.rooms.execute('ChangeTopic', data, actorOf(s), commandId));
  }

  @SubscribeMessage('rooms.changeJoinRule')
  changeJoinRule(@ConnectedSocket() s: Socket, @MessageBody() { commandId, ...data }: ChangeJoinRuleRequest) {
    return ok(this.rooms.execute('ChangeJoinRule', data, actorOf(s), commandId));
  }

  @SubscribeMessage('rooms.archive')
  archive(@ConnectedSocket() s: Socket, @MessageBody() { commandId, ...data }: RoomOnlyRequest) {
    return ok(this.rooms.execute('ArchiveRoom', data, actorOf(s), commandId));
  }

  @SubscribeMessage('rooms.setAgreement')
  setAgreement(@ConnectedSocket() s: Socket, @MessageBody() { commandId, roomId, text }: SetAgreementRequest) {
    return ok(this.rooms.execute('SetAgreement', { roomId, text: text ?? null }, actorOf(s), commandId));
  }

  @SubscribeMessage('rooms.setOpenHours')
  setOpenHours(@ConnectedSocket() s: Socket, @MessageBody() { commandId, roomId, openHours }: SetOpenHoursRequest) {
    // the rules rebuild the hours they keep (validOpenHours): only the fields they know reach the log
    return ok(this.rooms.execute('SetOpenHours', { roomId, openHours }, actorOf(s), commandId));
  }

  @SubscribeMessage('rooms.acceptAgreement')
  acceptAgreement(@ConnectedSocket() s: Socket, @MessageBody() { commandId, ...data }: AcceptAgreementRequest) {
    return ok(this.rooms.execute('AcceptAgreement', data, actorOf(s), commandId));
  }

  @SubscribeMessage('rooms.appointFacilitator')
  appoint(@ConnectedSocket() s: Socket, @MessageBody() { commandId, ...data }: TargetUserRequest) {
    return ok(this.rooms.execute('AppointFacilitator', data, actorOf(s), commandId));
  }

  @SubscribeMessage('rooms.removeFacilitator')
  removeFacilitator(@ConnectedSocket() s: Socket, @MessageBody() { commandId, ...data }: TargetUserRequest) {
    return ok(this.rooms.execute('RemoveFacilitator', data, actorOf(s), commandId));
  }

  @SubscribeMessage('rooms.invite')
  invite(@ConnectedSocket() s: Socket, @MessageBody() { commandId, ...data }: TargetUserRequest) {
    return ok(this.rooms.execute('InviteToRoom', data, actorOf(s), commandId));
  }

  @SubscribeMessage('rooms.join')
  join(@ConnectedSocket() s: Socket, @MessageBody() { commandId, ...data }: RoomOnlyRequest) {
    const actor = actorOf(s);
    return this.limited('membership', actor, data.roomId, () => this.rooms.execute('JoinRoom', data, actor, commandId));
  }

  @SubscribeMessage('rooms.leave')
  leave(@ConnectedSocket() s: Socket, @MessageBody() { commandId, ...data }: RoomOnlyRequest) {
    const actor = actorOf(s);
    return this.limited('membership', actor, data.roomId, () => this.rooms.execute('LeaveRoom', data, actor, commandId));
  }

  @SubscribeMessage('rooms.post')
  async post(@ConnectedSocket() s: Socket, @MessageBody() { commandId, messageId, ...data }: PostMessageRequest) {
    const actor = actorOf(s);
    const id = messageId ?? derivedId(actor, commandId, 'message');
    // the crisis screening runs first: a flagged message is held and never reaches the room. A command id this node
    // already posted is not screened again: a retry gets the first answer, whatever text it carries now
    if (!this.rooms.handledOnThisNode(data.roomId, actor, commandId)) {
      const held = await this.safety.holdIfFlagged(actor, { kind: 'room', id: data.roomId }, { messageId: id, text: data.text, contentWarning: data.contentWarning ?? null, replyTo: data.replyTo ?? null, edit: false }, commandId);
      if (held) return { ok: true as const, data: { ...held, messageId: id } };
      await this.limits.consume('message', actor, data.roomId);
    }
    return ok(this.rooms.executeNaming('PostMessage', { ...data, messageId: id }, actor, commandId, 'messageId'));
  }

  @SubscribeMessage('rooms.edit')
  async edit(@ConnectedSocket() s: Socket, @MessageBody() { commandId, ...data }: EditMessageRequest) {
    const actor = actorOf(s);
    // screened before anything else, as a post is: crisis words get help even in an edit the room would refuse (of a
    // redacted or held message); the release checks the edit, the room decider checks an unheld one
    if (!this.rooms.handledOnThisNode(data.roomId, actor, commandId)) {
      const held = await this.safety.holdIfFlagged(actor, { kind: 'room', id: data.roomId }, { messageId: data.messageId, text: data.text, contentWarning: data.contentWarning ?? null, replyTo: null, edit: true }, commandId);
      if (held) return { ok: true as const, data: held };
      await this.limits.consume('message', actor, data.roomId);
    }
    return ok(this.rooms.execute('EditMessage', data, actor, commandId));
  }

  @SubscribeMessage('rooms.delete')
  delete(@ConnectedSocket() s: Socket, @MessageBody() { commandId, ...data }: MessageRefRequest) {
    return ok(this.rooms.execute('DeleteMessage', data, actorOf(s), commandId));
  }

  @SubscribeMessage('rooms.react')
  react(@ConnectedSocket() s: Socket, @MessageBody() { commandId, ...data }: ReactionRequest) {
    const actor = actorOf(s);
    return this.limited('reaction', actor, data.roomId, () => this.rooms.execute('AddReaction', data, actor, commandId));
  }

  @SubscribeMessage('rooms.unreact')
  unreact(@ConnectedSocket() s: Socket, @MessageBody() { commandId, ...data }: ReactionRequest) {
    const actor = actorOf(s);
    return this.limited('reaction', actor, data.roomId, () => this.rooms.execute('RemoveReaction', data, actor, commandId));
  }

  @SubscribeMessage('rooms.markRead')
  markRead(@ConnectedSocket() s: Socket, @MessageBody() { commandId, ...data }: MarkReadRequest) {
    const actor = actorOf(s);
    return this.limited('readMark', actor, data.roomId, () => this.rooms.markRead(data, actor, commandId));
  }

  @SubscribeMessage('rooms.setReadReceiptPrivacy')
  receiptPrivacy(@ConnectedSocket() s: Socket, @MessageBody() { commandId, ...data }: ReadReceiptPrivacyRequest) {
    const actor = actorOf(s);
    return this.limited('receiptPrivacy', actor, data.roomId, () => this.rooms.execute('SetReadReceiptPrivacy', data, actor, commandId));
  }

  @SubscribeMessage('rooms.setAwayNotices')
  awayNotices(@ConnectedSocket() s: Socket, @MessageBody() { commandId, ...data }: AwayNoticesRequest) {
    const actor = actorOf(s);
    return this.limited('awayNotices', actor, data.roomId, () => this.rooms.execute('SetAwayNotices', data, actor, commandId));
  }

  @SubscribeMessage('rooms.mute')
  mute(@ConnectedSocket() s: Socket, @MessageBody() { commandId, ...data }: MuteMemberRequest) {
    return ok(this.rooms.execute('MuteMember', data, actorOf(s), commandId));
  }

  @SubscribeMessage('rooms.unmute')
  unmute(@ConnectedSocket() s: Socket, @MessageBody() { commandId, ...data }: TargetUserRequest) {
    return ok(this.rooms.execute('UnmuteMember', data, actorOf(s), commandId));
  }

  @SubscribeMessage('rooms.warn')
  warn(@ConnectedSocket() s: Socket, @MessageBody() { commandId, messageId, ...data }: WarnMemberRequest) {
    return ok(this.rooms.execute('WarnMember', { ...data, messageId: messageId ?? null }, actorOf(s), commandId));
  }

  @SubscribeMessage('rooms.remove')
  remove(@ConnectedSocket() s: Socket, @MessageBody() { commandId, ...data }: ReasonedTargetRequest) {
    return ok(this.rooms.execute('RemoveMember', data, actorOf(s), commandId));
  }

  @SubscribeMessage('rooms.ban')
  ban(@ConnectedSocket() s: Socket, @MessageBody() { commandId, ...data }: ReasonedTargetRequest) {
    return ok(this.rooms.execute('BanMember', data, actorOf(s), commandId));
  }

  @SubscribeMessage('rooms.unban')
  unban(@ConnectedSocket() s: Socket, @MessageBody() { commandId, ...data }: TargetUserRequest) {
    return ok(this.rooms.execute('UnbanMember', data, actorOf(s), commandId));
  }

  @SubscribeMessage('rooms.redact')
  redact(@ConnectedSocket() s: Socket, @MessageBody() { commandId, ...data }: RedactMessageRequest) {
    return ok(this.rooms.execute('RedactMessage', data, actorOf(s), commandId));
  }

  @SubscribeMessage('rooms.setSlowMode')
  slowMode(@ConnectedSocket() s: Socket, @MessageBody() { commandId, ...data }: SlowModeRequest) {
    return ok(this.rooms.execute('SetSlowMode', data, actorOf(s), commandId));
  }

  @SubscribeMessage('rooms.lock')
  lock(@ConnectedSocket() s: Socket, @MessageBody() { commandId, roomId, reason }: LockRequest) {
    return ok(this.rooms.execute('LockRoom', { roomId, reason: reason ?? null }, actorOf(s), commandId));
  }

  @SubscribeMessage('rooms.unlock')
  unlock(@ConnectedSocket() s: Socket, @MessageBody() { commandId, roomId, reason }: LockRequest) {
    return ok(this.rooms.execute('UnlockRoom', { roomId, reason: reason ?? null }, actorOf(s), commandId));
  }

  @SubscribeMessage('rooms.pin')
  pin(@ConnectedSocket() s: Socket, @MessageBody() { commandId, ...data }: MessageRefRequest) {
    return ok(this.rooms.execute('PinMessage', data, actorOf(s), commandId));
  }

  @SubscribeMessage('rooms.unpin')
  unpin(@ConnectedSocket() s: Socket, @MessageBody() { commandId, ...data }: MessageRefRequest) {
    return ok(this.rooms.execute('UnpinMessage', data, actorOf(s), commandId));
  }

  @SubscribeMessage('rooms.report')
  async report(@ConnectedSocket() s: Socket, @MessageBody() { commandId, reportId, ...data }: ReportMessageRequest) {
    const actor = actorOf(s);
    const id = reportId ?? derivedId(actor, commandId, 'report');
    // a reporter may write of their own crisis in the reason: staff are alerted and the reporter gets help, also when
    // the room then refuses the report (they get SafetyHelpOffered live); the report goes on to the moderators as it is
    const help = await this.safety.alertIfFlagged(actor, { kind: 'room', id: data.roomId }, data.reason, commandId);
    const reported = await this.rooms.executeNaming('ReportMessage', { ...data, reportId: id }, actor, commandId, 'reportId');
    return { ok: true as const, data: help ? { ...reported, help } : reported };
  }

  @SubscribeMessage('rooms.resolveReport')
  resolveReport(@ConnectedSocket() s: Socket, @MessageBody() { commandId, note, ...data }: ResolveReportRequest) {
    return ok(this.rooms.execute('ResolveReport', { ...data, note: note ?? null }, actorOf(s), commandId));
  }
}
