import type { Actor } from '@haven/domain';
import type { SqlExecutor } from '@haven/event-store';
import type { ConversationRef, HeldMessage } from './domain/safety-alert.events';

/**
 * What the safety path needs from a kind of conversation (rooms today; mentor channels and family sessions later).
 * Each context provides one, so this lib imports nothing from them.
 */
export interface ConversationPort {
  kind: ConversationRef['kind'];
  /** the socket.io channel of the conversation's moderators (alerts go there live) */
  moderatorChannel(id: string): string;
  /** catch-up: was this user a moderator of the conversation when the event at `position` happened? */
  isModeratorAt(db: SqlExecutor, userId: string, id: string, position: number): Promise<boolean>;
  isModeratorNow(db: SqlExecutor, userId: string, id: string): Promise<boolean>;
  /** throws the context's own "not a member" error: the help path is for the conversation's members only */
  requireMember(db: SqlExecutor, actor: Actor, id: string): Promise<void>;
  /**
   * Conversations family guests take part in (a family session's room): the channel that reaches this guest's family
   * logins there and no other family login, and its catch-up twin (was this family login in it at `position`?).
   * Without them, a family login learns nothing of an alert.
   */
  guestChannel?(id: string, userId: string): string;
  isGuestAt?(db: SqlExecutor, viewer: Actor, id: string, position: number): Promise<boolean>;
  /**
   * What staff triaging an alert are told of its conversation: its name and type (a room's kind: a mentor pair's room,
   * a family session's, a group). Without it, the queue gives the conversation's kind and id only.
   */
  describe?(db: SqlExecutor, id: string): Promise<{ name: string; type: string } | null>;
}

/** Posts a held message into its conversation once staff release it (DI token for the context's implementation). */
export interface HeldMessageRelease {
  /** throws the conversation's refusal if the release would be refused now; posts nothing */
  check(actor: Actor, conversation: ConversationRef, held: HeldMessage, authorId: string, alertId: string): Promise<void>;
  /** posts it, once per alert whoever retries: the same alert's release replays */
  release(actor: Actor, conversation: ConversationRef, held: HeldMessage, authorId: string, alertId: string): Promise<void>;
}

export const CONVERSATION_PORTS = Symbol('haven.safety.conversation-ports');
export const HELD_MESSAGE_RELEASE = Symbol('haven.safety.held-message-release');
