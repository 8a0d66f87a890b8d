import type { CommandContext } from '@haven/domain';

/** Every command names its session: the handler routes it to the stream `session-<sessionId>`. */
type SessionCommandOf<Type extends string, Data> = { type: Type; data: { sessionId: string } & Data; context: CommandContext };

/** `roomId` is the session room's id (derived from the session id by the rooms context), carried for every reader. */
export type ScheduleFamilySession = SessionCommandOf<
  'ScheduleFamilySession',
  { participantId: string; title: string; startsAt: string; endsAt: string; roomId: string }
>;
export type RescheduleFamilySession = SessionCommandOf<'RescheduleFamilySession', { startsAt: string; endsAt: string }>;
/** The code itself never reaches the decider: only its hash, which redemption compares. */
export type InviteFamilyMember = SessionCommandOf<'InviteFamilyMember', { inviteId: string; codeHash: string; inviteeLabel: string; expiresAt: string }>;
export type RevokeFamilyInvite = SessionCommandOf<'RevokeFamilyInvite', { inviteId: string }>;
/** Sent by the system an hour before the session for an invite still open (`remindInviteAt`). */
export type RemindOfUnusedInvite = SessionCommandOf<'RemindOfUnusedInvite', { inviteId: string }>;
/** Sent by the system once an invite's `expiresAt` has passed. */
export type ExpireFamilyInvite = SessionCommandOf<'ExpireFamilyInvite', { inviteId: string }>;
/** Sent as the system actor by the redeem endpoint (a family member has no login before it). */
export type RedeemFamilyInvite = SessionCommandOf<'RedeemFamilyInvite', { inviteId: string; codeHash: string; guestId: string }>;
export type AdmitFamilyGuest = SessionCommandOf<'AdmitFamilyGuest', { guestId: string }>;
export type RemoveFamilyGuest = SessionCommandOf<'RemoveFamilyGuest', { guestId: string }>;
export type EndFamilySession = SessionCommandOf<'EndFamilySession', Record<never, never>>;
/** A word from the host or staff to the family members waiting to be admitted ("we start in five minutes"). */
export type TellFamilyLobby = SessionCommandOf<'TellFamilyLobby', { text: string }>;

export type FamilySessionCommand =
  | ScheduleFamilySession
  | RescheduleFamilySession
  | InviteFamilyMember
  | RevokeFamilyInvite
  | ExpireFamilyInvite
  | RemindOfUnusedInvite
  | RedeemFamilyInvite
  | AdmitFamilyGuest
  | RemoveFamilyGuest
  | EndFamilySession
  | TellFamilyLobby;
export type FamilySessionCommandType = FamilySessionCommand['type'];
