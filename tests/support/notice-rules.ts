import type { LoggedEvent } from './event-log';
import { evolveRoom, HiddenLists, MentorSettings, moderatorsOf, type Cast, type RoomState } from './visibility-oracle';

/*
 * Whom the clinic's push gateway may be told of what (README, "Telling people who are away"), as rules each notice
 * must keep, checked against the log as it stood when the notice was claimed (its OfflineNoticeAttempted). Not an
 * oracle of every notice owed (when one falls due hangs on the clock, five quiet minutes and the hour's repeat): the
 * random visibility audits check with it that nobody is told what they may not be, nor when they may not be.
 */

/** The only fields a notice carries: no names, no words, no room names. */
const BODY_FIELDS = ['collapseKey', 'conversations', 'message', 'type', 'userId'];
const CONVERSATION_FIELDS = {
  roomId: ['attempt', 'conversation', 'roomId', 'through'],
  requestId: ['attempt', 'conversation', 'requestId', 'through'],
  sessionId: ['attempt', 'conversation', 'sessionId', 'through'],
};
const GROUP_KINDS = new Set(['peer_support', 'group_therapy', 'workshop']);

interface Message {
  roomId: string;
  authorId: string;
  deleted: boolean;
  redacted: boolean;
}

interface Report {
  roomId: string;
  reporterId: string;
  authorId: string;
  open: boolean;
}

/** The state the rules read, as the log says up to some position. */
class NoticeWorld {
  readonly rooms = new Map<string, RoomState>();
  readonly suspended = new Set<string>();
  readonly paused = new Set<string>();
  readonly hidden = new HiddenLists();
  readonly awayOff = new Set<string>();
  readonly readMarks = new Map<string, number>();
  readonly messages = new Map<string, Message>();
  readonly reports = new Map<string, Report>();
  /** what each position holds (the `through` of a notice names one) */
  readonly at = new Map<number, LoggedEvent>();
  /** each room's members by position: [joined at, left at or Infinity] */
  readonly periods = new Map<string, [number, number][]>();
  readonly requests = new Map<string, { participantId: string; language: string; excludedMentors: string[]; declinedBy: Set<string>; open: boolean }>();
  /** mentors' languages and away */
  readonly mentors = new MentorSettings();
  readonly capacity = new Map<string, number>();
  /** each active pairing's mentor */
  readonly pairings = new Map<string, string>();
  readonly sessions = new Map<string, { hostId: string; waiting: Set<string>; ended: boolean }>();
  /** erasure requests by their event's id (what a notice names) */
  readonly erasureRequests = new Map<string, { userId: string; open: boolean }>();
  /** admins Haven noted at a connection (AdminSeen) */
  readonly adminsSeen = new Set<string>();

  apply(event: LoggedEvent): void {
    const d = event.data;
    this.at.set(event.position, event);
    if (event.streamId.startsWith('room-')) {
      const roomId = event.streamId.slice('room-'.length);
      const room = this.rooms.get(roomId) ?? { kind: null, members: new Map(), facilitators: new Set() };
      this.rooms.set(roomId, room);
      const before = new Set(room.members.keys());
      evolveRoom(room, event);
      for (const userId of room.members.keys()) if (!before.has(userId)) this.periods.set(`${roomId}/${userId}`, [...(this.periods.get(`${roomId}/${userId}`) ?? []), [event.position, Infinity]]);
      for (const userId of before) if (!room.members.has(userId)) this.periods.get(`${roomId}/${userId}`)!.at(-1)![1] = event.position;
      if (event.type === 'MessagePosted') this.messages.set(d.messageId, { roomId, authorId: d.authorId, deleted: false, redacted: false });
      if (event.type === 'MessageDeleted') this.messages.get(d.messageId)!.deleted = true;
      if (event.type === 'MessageRedacted') this.messages.get(d.messageId)!.redacted = true;
      if (event.type === 'MessageReported') this.reports.set(d.reportId, { roomId, reporterId: d.reporterId, authorId: d.authorId, open: true });
      if (event.type === 'ReportResolved') this.reports.get(d.reportId)!.open = false;
      if (event.type === 'ReadMarked') this.readMarks.set(`${roomId}/${d.userId}`, Math.max(this.readMarks.get(`${roomId}/${d.userId}`) ?? 0, d.position));
      if (event.type === 'AwayNoticesSet') (d.on ? this.awayOff.delete(`${roomId}/${d.userId}`) : this.awayOff.add(`${roomId}/${d.userId}`));
    }
    if (event.type === 'AccessSuspended') this.suspended.add(d.userId);
    if (event.type === 'AccessReinstated') this.suspended.delete(d.userId);
    if (event.type === 'NoticePreferencesSet') (d.paused ? this.paused.add(d.userId) : this.paused.delete(d.userId));
    if (event.streamId.startsWith('hidden-people-')) this.hidden.apply(event);
    if (event.streamId.startsWith('mentor-profile-')) this.mentors.apply(event);
    if (event.type === 'MentorCapacitySet') this.capacity.set(d.mentorId, d.pairs);
    if (event.type === 'PairingStarted') this.pairings.set(d.pairingId, d.mentorId);
    if (event.type === 'PairingEnded') this.pairings.delete(d.pairingId);
    if (event.type === 'MentorRequestDeclined') this.requests.get(d.requestId)!.declinedBy.add(d.mentorId);
    if (event.type === 'MentorRequested')
      this.requests.set(d.requestId, { participantId: d.participantId, language: d.language, excludedMentors: d.excludedMentors, declinedBy: new Set(), open: true });
    if (['MentorRequestCancelled', 'MentorRequestExpired', 'PairingStarted'].includes(event.type)) this.requests.get(d.requestId)!.open = false;
    if (event.type === 'FamilySessionScheduled') this.sessions.set(d.sessionId, { hostId: d.hostId, waiting: new Set(), ended: false });
    if (event.type === 'FamilyInviteRedeemed') this.sessions.get(d.sessionId)!.waiting.add(d.guestId);
    if (event.type === 'FamilyGuestAdmitted' || event.type === 'FamilyGuestRemoved') this.sessions.get(d.sessionId)!.waiting.delete(d.guestId);
    if (event.type === 'FamilySessionEnded') this.sessions.get(d.sessionId)!.ended = true;
    if (event.type === 'ErasureRequested') this.erasureRequests.set(event.eventId, { userId: d.userId, open: true });
    if (event.type === 'ErasureRequestWithdrawn' || event.type === 'PersonalDataErased')
      for (const request of this.erasureRequests.values()) if (request.userId === d.userId) request.open = false;
    if (event.type === 'AdminSeen') this.adminsSeen.add(d.userId);
  }

  inRoomWhen(roomId: string, userId: string, position: number): boolean {
    return (this.periods.get(`${roomId}/${userId}`) ?? []).some(([from, to]) => from <= position && position < to);
  }
}

/** The deployment's settings the rules read. */
export interface NoticeLimits {
  /** MENTOR_MAX_ACTIVE_PAIRINGS */
  maxActivePairings: number;
}

/** The app's defaults, for a deployment that sets none. */
const DEFAULT_LIMITS: NoticeLimits = { maxActivePairings: 3 };

/** Whether a user had a socket open at a position (a socket that came when the head was `at` and went at `until`). */
export type ConnectedAt = (userId: string, position: number) => boolean;

/**
 * The rules a claimed notice breaks, if any, in words. For anyone: not a family guest, not suspended, not paused, not
 * connected. For a room: its member then, not read that far; a first attempt about a message by someone else posted while
 * they were in the room, neither deleted nor redacted, not by someone they hide in a group they do not moderate, in a
 * room whose away notices they did not turn off; or about an open report for one of the room's moderators (not its
 * reporter or author); or about a pair room opened for its participant. A mentor request: a mentor, the request still
 * open and in their list (a first notice: in their languages, not away, with room for another pair). A family session:
 * its host, the session not ended, with family waiting. An erasure request: an admin Haven noted, not the person who
 * asked, the request still open.
 */
function brokenRules(claim: LoggedEvent, w: NoticeWorld, cast: Cast, connectedAt: ConnectedAt, limits: NoticeLimits): string[] {
  const { userId, through, attempt } = claim.data;
  const broken: string[] = [];
  if (cast[userId] === 'family' || cast[userId] === undefined) broken.push('told a family guest (or a stranger)');
  if (w.suspended.has(userId)) broken.push('told while suspended');
  if (w.paused.has(userId)) broken.push('told while they paused notices');
  if (connectedAt(userId, claim.position)) broken.push('told while connected');
  if (through >= claim.position) broken.push('through a position not yet in the log');
  if ('roomId' in claim.data) {
    const roomId: string = claim.data.roomId;
    const room = w.rooms.get(roomId);
    if (!room?.members.has(userId)) return [...broken, 'told of a room they are not in'];
    if ((w.readMarks.get(`${roomId}/${userId}`) ?? 0) >= through) broken.push('told of what they had read');
    if (attempt > 1) return broken;
    const what = w.at.get(through);
    const moderator = moderatorsOf(room).includes(userId);
    if (what?.type === 'MessagePosted' && what.streamId === `room-${roomId}`) {
      const message = w.messages.get(what.data.messageId)!;
      if (message.authorId === userId) broken.push('told of their own message');
      if (message.deleted || message.redacted) broken.push('told of a deleted or redacted message');
      if (!w.inRoomWhen(roomId, userId, through)) broken.push('told of a message from before they were in the room');
      if (w.awayOff.has(`${roomId}/${userId}`)) broken.push("told of a room whose away notices they turned off");
      if (GROUP_KINDS.has(room.kind ?? '') && !moderator && w.hidden.hides(userId, message.authorId)) broken.push('told of a message by someone they hide');
    } else if (what?.type === 'MessageReported' && what.streamId === `room-${roomId}`) {
      const report = w.reports.get(what.data.reportId)!;
      if (!moderator) broken.push('told of a report, not a moderator');
      if (report.reporterId === userId || report.authorId === userId) broken.push('told of a report they made or that is about them');
      if (!report.open) broken.push('told of a resolved report');
    } else if (what?.type === 'PairRoomOpened' && what.streamId === `room-${roomId}`) {
      if (what.data.participantId !== userId) broken.push("told of a pair room's opening, not its participant");
    } else broken.push(`through ${through} is ${what?.type ?? 'nothing'}, not a message, report or pair room of the room`);
  } else if ('requestId' in claim.data && w.erasureRequests.has(claim.data.requestId)) {
    const request = w.erasureRequests.get(claim.data.requestId)!;
    if (cast[userId] !== 'admin' || !w.adminsSeen.has(userId)) broken.push('told of an erasure request, not an admin Haven noted');
    if (request.userId === userId) broken.push('told of their own erasure request');
    if (!request.open) broken.push('told of an erasure request no longer open');
  } else if ('requestId' in claim.data) {
    // what the mentor's request list shows (not their own, not declined, not of someone they hide; a first notice also
    // in their languages, not away, not excluded, with room for another pair)
    const request = w.requests.get(claim.data.requestId);
    if (cast[userId] !== 'mentor') broken.push('told of a request, not a mentor');
    if (!request?.open) return [...broken, 'told of a request no longer open'];
    if (request.participantId === userId) broken.push('told of their own request');
    if (request.declinedBy.has(userId)) broken.push('told of a request they declined');
    if (w.hidden.hides(userId, request.participantId)) broken.push('told of a request of someone they hide');
    if (attempt === 1) {
      if (!w.mentors.offers(userId, request.language)) broken.push('told of a request while away, or not in their languages');
      if (request.excludedMentors.includes(userId)) broken.push('told of a request they are excluded from');
      const active = [...w.pairings.values()].filter((mentorId) => mentorId === userId).length;
      if (active >= Math.min(w.capacity.get(userId) ?? limits.maxActivePairings, limits.maxActivePairings)) broken.push('told of a request with no room for another pair');
    }
  } else {
    const session = w.sessions.get(claim.data.sessionId);
    if (!session || session.hostId !== userId) broken.push("told of a session's lobby, not its host");
    else if (session.ended) broken.push('told of an ended session');
    else if (session.waiting.size === 0) broken.push('told of a lobby with nobody waiting');
  }
  return broken;
}

/** What the gateway received against the claims in the log, and each claim against the rules; empty when all hold. */
export function noticeProblems(log: LoggedEvent[], received: Record<string, any>[], cast: Cast, connectedAt: ConnectedAt, limits: NoticeLimits = DEFAULT_LIMITS): Record<string, unknown> {
  const problems: Record<string, unknown> = {};
  const w = new NoticeWorld();
  const claims: LoggedEvent[] = [];
  for (const event of log) {
    if (event.type === 'OfflineNoticeAttempted') {
      claims.push(event);
      const broken = brokenRules(event, w, cast, connectedAt, limits);
      if (broken.length) problems[`#${event.position} ${JSON.stringify(event.data)}`] = broken;
    }
    w.apply(event);
  }
  // each claim sent once, and nothing sent unclaimed; every body as documented
  const key = (userId: string, c: Record<string, any>) => `${userId} ${c.roomId ?? c.requestId ?? c.sessionId} ${c.through} ${c.attempt}`;
  const sent = new Map<string, number>();
  for (const body of received) {
    if (Object.keys(body).sort().join() !== BODY_FIELDS.join() || body.type !== 'conversation.unread' || body.collapseKey !== 'haven:unread' || body.message !== 'Something new is waiting for you in Haven.')
      problems[`body ${JSON.stringify(body)}`] = 'not as documented';
    for (const c of body.conversations ?? []) {
      const subject = (['roomId', 'requestId', 'sessionId'] as const).find((field) => field in c);
      if (!subject || Object.keys(c).sort().join() !== CONVERSATION_FIELDS[subject].join()) problems[`conversation ${JSON.stringify(c)}`] = 'not as documented';
      sent.set(key(body.userId, c), (sent.get(key(body.userId, c)) ?? 0) + 1);
    }
  }
  const claimed = new Map(claims.map((claim) => [key(claim.data.userId, claim.data), claim]));
  for (const [what, times] of sent) if (times !== 1 || !claimed.has(what)) problems[`sent ${what}`] = claimed.has(what) ? `${times} times` : 'never claimed';
  for (const what of claimed.keys()) if (!sent.has(what)) problems[`claimed ${what}`] = 'never sent';
  // the kind a notice names is its room's, or a request's, or a session's
  for (const body of received)
    for (const c of body.conversations ?? []) {
      const room = c.roomId ? w.rooms.get(c.roomId) : undefined;
      const kind = c.requestId ? (w.erasureRequests.has(c.requestId) ? 'erasure_request' : 'mentor_request') : c.sessionId ? 'family_session' : room && GROUP_KINDS.has(room.kind ?? '') ? 'group' : room?.kind;
      if (c.conversation !== kind) problems[`kind ${JSON.stringify(c)}`] = `the room is ${room?.kind}`;
    }
  return problems;
}

/**
 * Each person's role as the log shows it, for a scripted story with no cast: who created or joined a room (with their
 * role), mentors (their profile, their pairings), participants (their requests, their family sessions), family guests
 * (their redemptions), and a session's host (staff: only whether someone is family matters to the rules, and a mentor
 * for requests).
 */
export function rolesInLog(log: LoggedEvent[]): Cast {
  const cast: Cast = {};
  const says = (userId: string | undefined, role: Cast[string]) => userId && (cast[userId] ??= role);
  for (const { type, streamId, data: d } of log) {
    if (type === 'RoomCreated') says(d.createdBy, d.creatorRole);
    if (type === 'MemberJoined') says(d.userId, d.role);
    if (type === 'FamilyInviteRedeemed') says(d.guestId, 'family');
    if (streamId.startsWith('mentor-profile-')) says(d.mentorId, 'mentor');
    if (type === 'PairingStarted') (says(d.mentorId, 'mentor'), says(d.participantId, 'participant'));
    if (type === 'MentorRequested') says(d.participantId, 'participant');
    if (type === 'FamilySessionScheduled') (says(d.hostId, 'clinician'), says(d.participantId, 'participant'));
    if (type === 'AdminSeen') says(d.userId, 'admin');
  }
  return cast;
}
