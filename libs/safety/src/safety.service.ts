import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, commandAck, derivedId, handleCommand, handledOnThisNode, previewCommand, type Clock, type CommandResult } from '@haven/command-handling';
import { DomainError, isOverseer, type Actor } from '@haven/domain';
import { STORAGE, type Storage } from '@haven/event-store';
import { ON_CALL_STREAM, onCallDecider } from './domain/on-call.decider';
import { PERSONAL_DATA, type PersonalData } from '@haven/personal-data/personal-data';
import { LogFollower } from '@haven/realtime';
import { CONVERSATION_PORTS, HELD_MESSAGE_RELEASE, type ConversationPort, type HeldMessageRelease } from './conversation-port';
import { safetyAlertDecider, type SafetyCommand } from './domain/safety-alert.decider';
import { safetyStreamName, type AlertOutcome, type AlertSource, type ConversationRef, type HeldMessage } from './domain/safety-alert.events';
import { createCrisisScreen, type ScreenResult } from './screening/crisis-screen';
import type { SafetyConfig } from './safety-config';
import { findSafetyAlert, openAlertWithoutMessage } from './safety-queue.projection';

export const SAFETY_CONFIG = Symbol('haven.safety.config');

/** What the sender's ack says when the crisis path took their message or help request. */
export interface HelpAck {
  held: boolean;
  alertId: string;
  staffNotified: true;
  message: string;
  resources: { name: string; how: string }[];
}

/**
 * The crisis path every conversation plugs into: screen a message before it reaches anyone; if it matches, hold it
 * and raise an alert instead; "I need help now" raises one without a message. Only membership is checked here:
 * never mutes, locks, slow mode or rate limits. Nothing of it is logged; it lives in the store.
 */
@Injectable()
export class SafetyService {
  private readonly screen: (text: string) => ScreenResult;

  constructor(
    @Inject(STORAGE) private readonly storage: Storage,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SAFETY_CONFIG) private readonly config: SafetyConfig,
    @Inject(CONVERSATION_PORTS) private readonly ports: ConversationPort[],
    @Inject(HELD_MESSAGE_RELEASE) private readonly releaser: HeldMessageRelease,
    private readonly follower: LogFollower,
    @Inject(PERSONAL_DATA) private readonly personalData: PersonalData,
  ) {
    this.screen = createCrisisScreen(config.list);
  }

  /** null: deliver as usual. Otherwise the message is held and an alert raised; the ack tells the sender where to turn. */
  async holdIfFlagged(actor: Actor, conversation: ConversationRef, message: HeldMessage, commandId: string): Promise<HelpAck | null> {
    // a command id whose message this node held stays held, whatever a retry carries (raise replays its alert)
    const heldBefore = handledOnThisNode(this.storage.events, safetyAlertDecider, safetyStreamName(alertIdOf(actor, commandId)), actor, commandId);
    const result = heldBefore ? { flagged: true, categories: [] } : this.screen(`${message.text}\n${message.contentWarning ?? ''}`);
    if (!result.flagged) return null;
    await this.requireMember(actor, conversation);
    return this.raise(actor, conversation, 'screening', message, result.categories, commandId);
  }

  /**
   * Crisis words in something a member wrote that is not a message to the conversation (a report's reason, a mentor
   * request's note): nothing is held (the caller decides what becomes of the text), but staff are alerted and the
   * writer gets help. null: not flagged.
   */
  async alertIfFlagged(
    actor: Actor,
    conversation: ConversationRef,
    text: string,
    commandId: string,
    source: Extract<AlertSource, 'report_reason' | 'mentoring_text'> = 'report_reason',
  ): Promise<HelpAck | null> {
    const result = this.screen(text);
    if (!result.flagged) return null;
    return this.raiseOrJoin(actor, conversation, source, result.categories, commandId);
  }

  async helpNow(actor: Actor, conversation: ConversationRef, commandId: string): Promise<HelpAck> {
    return this.raiseOrJoin(actor, conversation, 'help_request', [], commandId);
  }

  /**
   * An alert that holds no message, unless the person already has one open in this conversation: then the answer is
   * that one's (staff are on it). Pressing "I need help now" again and again in a panic, or a report after it, brings
   * staff one alert, not a queue of them; each held message still has its own, as each needs its own decision.
   */
  private async raiseOrJoin(actor: Actor, conversation: ConversationRef, source: AlertSource, categories: string[], commandId: string): Promise<HelpAck> {
    await this.requireMember(actor, conversation);
    const open = await openAlertWithoutMessage(this.storage.sql, actor.userId, conversation);
    if (open) return { held: false, alertId: open, staffNotified: true, ...this.config.resources };
    return this.raise(actor, conversation, source, null, categories, commandId);
  }

  async acknowledge(actor: Actor, alertId: string, commandId: string) {
    await this.requireStaffFor(actor, alertId);
    return this.execute({ type: 'AcknowledgeAlert', data: { alertId }, context: this.context(actor, commandId) }, alertId);
  }

  /**
   * Resolving as `released` is decided and recorded before the held message reaches anyone: the resolution is checked
   * against the alert (acknowledged, a note, not one's own alert, a staff role) and the release against the
   * conversation (not archived, the message not posted yet), and only then is the resolution appended, which one staff
   * member alone can win, whichever node they are on; the winner releases. A release that the conversation still
   * refuses after that (it changed in between) fails this command; retried with the same command id, the resolution
   * replays and the release runs again, posting at most once (its command id is `release:<alertId>`).
   */
  async resolve(actor: Actor, alertId: string, outcome: AlertOutcome, note: string, commandId: string) {
    await this.requireStaffFor(actor, alertId);
    const command: SafetyCommand = { type: 'ResolveAlert', data: { alertId, outcome, note }, context: this.context(actor, commandId) };
    if (outcome !== 'released') return this.execute(command, alertId);
    const preview = await previewCommand(this.storage.events, safetyAlertDecider, safetyStreamName(alertId), command);
    const decided = preview.events.find((event) => event.type === 'SafetyAlertResolved');
    // the held message comes from the log, sealed: the conversation gets its words (and seals them again, as its own)
    if (decided?.type === 'SafetyAlertResolved' && decided.data.heldMessage) {
      await this.releaser.check(actor, decided.data.conversation, await this.opened(decided.data.heldMessage), decided.data.userId, alertId);
    }
    const result = await handleCommand(this.storage.events, safetyAlertDecider, safetyStreamName(alertId), command);
    const resolved = result.events.find((event) => event.type === 'SafetyAlertResolved');
    const data = resolved?.data as { conversation: ConversationRef; heldMessage: HeldMessage | null; userId: string } | undefined;
    if (data?.heldMessage) await this.releaser.release(actor, data.conversation, await this.opened(data.heldMessage), data.userId, alertId);
    return this.acked(result);
  }

  async escalate(alertId: string, system: Actor) {
    return this.execute({ type: 'EscalateAlert', data: { alertId }, context: this.context(system, `escalate:${alertId}`) }, alertId);
  }

  /** staff may act on an alert: clinicians and admins on every one, facilitators on their conversations' */
  async requireStaffFor(actor: Actor, alertId: string): Promise<void> {
    if (isOverseer(actor.role)) return;
    const alert = await findSafetyAlert(this.storage.sql, alertId);
    if (!alert) throw new DomainError('SAFETY.ALERT_NOT_FOUND', 'no such safety alert');
    const port = this.portOf(alert.conversation.kind);
    if (!(await port.isModeratorNow(this.storage.sql, actor.userId, alert.conversation.id))) {
      throw new DomainError('SAFETY.FORBIDDEN', "only this conversation's moderators and clinicians act on its alerts");
    }
  }

  /** the alert, once the caller has checked that the actor is a member of the conversation */
  private async raise(actor: Actor, conversation: ConversationRef, source: AlertSource, held: HeldMessage | null, categories: string[], commandId: string): Promise<HelpAck> {
    const alertId = alertIdOf(actor, commandId);
    await this.execute(
      { type: 'RaiseAlert', data: { alertId, conversation, source, heldMessage: held, categories, escalateAfterSeconds: this.config.escalateAfterSeconds }, context: this.context(actor, commandId) },
      alertId,
    );
    return { held: held !== null, alertId, staffNotified: true, ...this.config.resources };
  }

  private async execute(command: SafetyCommand, alertId: string) {
    return this.acked(await handleCommand(this.storage.events, safetyAlertDecider, safetyStreamName(alertId), command));
  }

  private async acked(result: CommandResult) {
    return commandAck(await this.follower.whenDelivered(result));
  }

  /** a held message as it was written; erased meanwhile (text null), it cannot be released */
  private async opened(held: HeldMessage): Promise<HeldMessage> {
    const opened = await this.personalData.reveal(held);
    if (opened.text === null) throw new DomainError('SAFETY.MESSAGE_ERASED', "the held message's words were erased with its author's personal data");
    return opened;
  }

  /**
   * A clinician goes on or off call themselves; an admin may take anyone off. Alerts raised from then on reach the
   * clinicians on call (every clinician while nobody is).
   */
  async setOnCall(actor: Actor, userId: string, onCall: boolean, commandId: string) {
    return this.acked(await handleCommand(this.storage.events, onCallDecider, ON_CALL_STREAM, { type: 'SetOnCall', data: { userId, onCall }, context: this.context(actor, commandId) }));
  }

  private context(actor: Actor, commandId: string) {
    return { actor, commandId, now: this.clock.now().toISOString() };
  }

  private requireMember(actor: Actor, conversation: ConversationRef): Promise<void> {
    return this.portOf(conversation.kind).requireMember(this.storage.sql, actor, conversation.id);
  }

  private portOf(kind: string): ConversationPort {
    const port = this.ports.find((p) => p.kind === kind);
    if (!port) throw new DomainError('SAFETY.UNKNOWN_CONVERSATION', `no conversation of kind ${kind}`);
    return port;
  }
}

/** An alert's id comes from who raised it and their command id, so a retried command raises no second alert. */
const alertIdOf = (actor: Actor, commandId: string): string => derivedId(actor, commandId, 'safety-alert');
