import type { CommandContext } from '@haven/domain';

/** What a participant asks for; mentors see it without the participant's id until one accepts. */
export type MentorPreferences = {
  /** what they want to talk about, 1..5 short tags ("sleep", "returning to work") */
  topics: string[];
  /** the language they want to speak, a BCP 47 tag ("en", "es-MX") */
  language: string;
  /** when they can talk, in their words ("weekday evenings") */
  availability: string;
  /** anything else a mentor should know; null for none */
  note: string | null;
};

/** Every mentoring command is about one participant: the handler routes it to the stream `mentee-<participantId>`. */
type MentoringCommandOf<Type extends string, Data> = {
  type: Type;
  data: { participantId: string } & Data;
  context: CommandContext;
};

/**
 * `hiddenMentors`: the mentors the participant hides in group rooms (rooms.hidePerson), read by the handler; the request
 * is not offered to them.
 */
export type RequestMentor = MentoringCommandOf<'RequestMentor', { requestId: string; hiddenMentors: string[] } & MentorPreferences>;
export type CancelMentorRequest = MentoringCommandOf<'CancelMentorRequest', { requestId: string }>;
/** `pairingId` and `roomId` are chosen by the caller (derived from the request) so every node names them alike. */
export type AcceptMentorRequest = MentoringCommandOf<'AcceptMentorRequest', { requestId: string; pairingId: string; roomId: string }>;
export type DeclineMentorRequest = MentoringCommandOf<'DeclineMentorRequest', { requestId: string }>;
/** Sent by the system for a request open `openForSeconds` (the setting now, so the poller and the rule agree). */
export type ExpireMentorRequest = MentoringCommandOf<'ExpireMentorRequest', { requestId: string; openForSeconds: number }>;
/** Sent by the system for a request nobody took in `unansweredAfterSeconds` (the setting now). */
export type NoticeUnansweredRequest = MentoringCommandOf<'NoticeUnansweredRequest', { requestId: string; unansweredAfterSeconds: number }>;
export type EndPairing = MentoringCommandOf<'EndPairing', { pairingId: string; reason: string | null }>;
/**
 * Ends the pairing and asks again with the same preferences, never to be matched with the same mentor, nor with one the
 * participant hides now (`hiddenMentors`, as RequestMentor's).
 */
export type RequestRematch = MentoringCommandOf<'RequestRematch', { pairingId: string; requestId: string; reason: string | null; hiddenMentors: string[] }>;

/**
 * The participant says how a pairing went (1 to 5, and a note if they like), once per pairing, while it lasts or after:
 * for the clinicians who supervise the mentors, never shown to the mentor.
 */
export type GivePairingFeedback = MentoringCommandOf<'GivePairingFeedback', { pairingId: string; rating: number; note: string | null }>;

export type MentoringCommand =
  | RequestMentor
  | CancelMentorRequest
  | AcceptMentorRequest
  | DeclineMentorRequest
  | ExpireMentorRequest
  | NoticeUnansweredRequest
  | EndPairing
  | RequestRematch
  | GivePairingFeedback;
export type MentoringCommandType = MentoringCommand['type'];
