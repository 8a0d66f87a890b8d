import type { Role } from '@haven/domain';
import type { LoggedEvent } from './event-log';
import type { WireEvent } from './sockets';

/*
 * Who should see what, written from docs/PROTOCOL.md ("Audiences", "Redacted messages on catch-up", "Hidden people",
 * "Safety events", "Mentor pairing", "Mentor pair rooms", "Family sessions", "Family session rooms"), not from the
 * delivery code: given a log and the cast that made it, every delivery the documentation
 * promises, live and on catch-up. The visibility audits (tests/e2e/robustness/visibility-*.e2e.test.ts) compare what
 * users received with it.
 */

/** Everyone in a story, by user id, with their token's role. */
export type Cast = Record<string, Role>;

/** The data fields each event is documented to carry; anything else on the wire is a leak. */
export const DOCUMENTED_FIELDS: Record<string, string[]> = {
  RoomCreated: ['roomId', 'name', 'topic', 'kind', 'capacity', 'joinRule', 'createdBy', 'creatorRole', 'createdAt'],
  PairRoomOpened: ['roomId', 'pairingId', 'participantId', 'mentorId', 'openedAt'],
  FamilySessionRoomOpened: ['roomId', 'sessionId', 'participantId', 'hostId', 'openedAt'],
  RoomRenamed: ['name', 'by', 'renamedAt'],
  TopicChanged: ['topic', 'by', 'changedAt'],
  JoinRuleChanged: ['joinRule', 'by', 'changedAt'],
  RoomArchived: ['by', 'archivedAt'],
  FacilitatorAppointed: ['userId', 'by', 'appointedAt'],
  FacilitatorRemoved: ['userId', 'by', 'removedAt'],
  AgreementSet: ['text', 'version', 'by', 'setAt'],
  OpenHoursSet: ['openHours', 'by', 'setAt'],
  AgreementAccepted: ['userId', 'version', 'acceptedAt'],
  MemberInvited: ['userId', 'by', 'invitedAt'],
  MemberJoined: ['userId', 'role', 'joinedAt'],
  MemberLeft: ['userId', 'leftAt'],
  MessagePosted: ['messageId', 'authorId', 'text', 'contentWarning', 'replyTo', 'postedAt'],
  MessageEdited: ['messageId', 'authorId', 'text', 'contentWarning', 'editedAt'],
  MessageDeleted: ['messageId', 'authorId', 'deletedAt'],
  ReactionAdded: ['messageId', 'userId', 'emoji', 'reactedAt'],
  ReactionRemoved: ['messageId', 'userId', 'emoji', 'removedAt'],
  ReadMarked: ['userId', 'position', 'private'],
  ReadReceiptPrivacySet: ['userId', 'private'],
  AwayNoticesSet: ['userId', 'on'],
  MemberMuted: ['userId', 'reason', 'mutedUntil', 'by', 'mutedAt'],
  MemberUnmuted: ['userId', 'by', 'reason', 'unmutedAt'],
  MemberWarned: ['userId', 'reason', 'messageId', 'by', 'warnedAt'],
  MemberRemoved: ['userId', 'reason', 'by', 'removedAt'],
  MemberBanned: ['userId', 'reason', 'by', 'bannedAt', 'wasMember'],
  MemberUnbanned: ['userId', 'by', 'unbannedAt'],
  MessageRedacted: ['messageId', 'authorId', 'reason', 'by', 'redactedAt'],
  SlowModeSet: ['intervalSeconds', 'by', 'setAt'],
  RoomLocked: ['reason', 'by', 'lockedAt'],
  RoomUnlocked: ['reason', 'by', 'unlockedAt'],
  MessagePinned: ['messageId', 'authorId', 'by', 'pinnedAt'],
  MessageUnpinned: ['messageId', 'cause', 'by', 'unpinnedAt'],
  MessageReported: ['reportId', 'messageId', 'authorId', 'reporterId', 'reason', 'reportedAt'],
  ReportResolved: ['reportId', 'messageId', 'authorId', 'reporterId', 'outcome', 'note', 'by', 'resolvedAt'],
  PersonHidden: ['userId', 'hiddenUserId', 'hiddenAt'],
  PersonUnhidden: ['userId', 'hiddenUserId', 'unhiddenAt'],
  FamilySessionScheduled: ['sessionId', 'participantId', 'hostId', 'title', 'startsAt', 'endsAt', 'roomId', 'scheduledAt'],
  FamilySessionRescheduled: ['sessionId', 'startsAt', 'endsAt', 'inviteExpiries', 'by', 'rescheduledAt'],
  FamilyInviteIssued: ['sessionId', 'participantId', 'inviteId', 'inviteeLabel', 'expiresAt', 'invitedBy', 'issuedAt'],
  FamilyInviteRevoked: ['sessionId', 'inviteId', 'by', 'revokedAt'],
  FamilyInviteUnusedBeforeSession: ['sessionId', 'inviteId', 'invitedBy', 'startsAt', 'remindedAt'],
  FamilyInviteExpired: ['sessionId', 'inviteId', 'expiredAt'],
  FamilyInviteRedeemed: ['sessionId', 'inviteId', 'guestId', 'inviteeLabel', 'redeemedAt'],
  FamilyGuestAdmitted: ['sessionId', 'guestId', 'roomId', 'by', 'admittedAt'],
  FamilyGuestRemoved: ['sessionId', 'guestId', 'roomId', 'by', 'removedAt'],
  FamilyLobbyNoticeSent: ['sessionId', 'participantId', 'guestIds', 'text', 'by', 'sentAt'],
  FamilySessionEnded: ['sessionId', 'roomId', 'guestIds', 'by', 'endedAt'],
  MentorRequested: ['requestId', 'participantId', 'topics', 'language', 'availability', 'note', 'excludedMentors', 'requestedAt'],
  MentorRequestCancelled: ['requestId', 'participantId', 'cancelledAt'],
  MentorRequestExpired: ['requestId', 'participantId', 'expiredAt'],
  MentorRequestUnanswered: ['requestId', 'participantId', 'requestedAt', 'noticedAt'],
  MentorRequestDeclined: ['requestId', 'participantId', 'mentorId', 'declinedAt'],
  PairingStarted: ['pairingId', 'requestId', 'participantId', 'mentorId', 'roomId', 'startedAt'],
  PairingEnded: ['pairingId', 'participantId', 'mentorId', 'roomId', 'endedBy', 'reason', 'rematch', 'endedAt'],
  PairingFeedbackGiven: ['pairingId', 'participantId', 'mentorId', 'rating', 'note', 'givenAt'],
  MentorLanguagesSet: ['mentorId', 'languages', 'setAt'],
  MentorTopicsSet: ['mentorId', 'topics', 'setAt'],
  MentorAwaySet: ['mentorId', 'away', 'until', 'setAt'],
  MentorCapacitySet: ['mentorId', 'pairs', 'setAt'],
  MentorSeen: ['mentorId', 'seenAt'],
  SafetyAlertRaised: ['alertId', 'conversation', 'userId', 'source', 'heldMessage', 'categories', 'raisedAt', 'escalateAt'],
  SafetyAlertAcknowledged: ['alertId', 'conversation', 'userId', 'by', 'acknowledgedAt'],
  SafetyAlertEscalated: ['alertId', 'conversation', 'userId', 'escalatedAt'],
  SafetyAlertResolved: ['alertId', 'conversation', 'userId', 'outcome', 'note', 'heldMessage', 'by', 'resolvedAt'],
  OnCallStarted: ['userId', 'by', 'startedAt'],
  OnCallEnded: ['userId', 'by', 'endedAt'],
  // a person's stream ("Erased personal data", "HTTP endpoints"): an erasure reaches others as a notice, not who erased
  PersonalDataErased: ['userId', 'erasedAt'],
  AccessSuspended: ['userId', 'reason', 'by', 'suspendedAt'],
  AccessReinstated: ['userId', 'by', 'reinstatedAt'],
  ErasureRequested: ['userId', 'requestedAt'],
  ErasureRequestWithdrawn: ['userId', 'withdrawnAt'],
  AdminSeen: ['userId', 'seenAt'],
  NoticePreferencesSet: ['userId', 'paused', 'quietHours', 'setAt'],
  PresenceVisibilitySet: ['userId', 'visible', 'setAt'],
};

/** The events of a person's stream the oracle knows (an export, PersonalDataExported, goes to nobody; so does AdminSeen). */
export const PERSON_EVENT_TYPES = ['PersonalDataErased', 'AccessSuspended', 'AccessReinstated', 'ErasureRequested', 'ErasureRequestWithdrawn', 'AdminSeen'];

type Audience = 'members' | 'moderators' | 'moderators, members get a neutral form' | 'only the user named';

/** The audience column of the table, by kind of rule. */
const AUDIENCE: Record<string, Audience> = {
  RoomCreated: 'members',
  PairRoomOpened: 'members', // named: the two
  FamilySessionRoomOpened: 'members', // named: the participant and the host
  RoomRenamed: 'members',
  TopicChanged: 'members',
  JoinRuleChanged: 'members',
  RoomArchived: 'members',
  FacilitatorAppointed: 'members',
  FacilitatorRemoved: 'members',
  MemberJoined: 'members',
  MemberLeft: 'members',
  MessagePosted: 'members',
  MessageEdited: 'members',
  MessageDeleted: 'members',
  ReactionAdded: 'members',
  ReactionRemoved: 'members',
  SlowModeSet: 'members',
  RoomLocked: 'members',
  RoomUnlocked: 'members',
  MessagePinned: 'members',
  MessageUnpinned: 'members', // with cause 'redacted': see below
  ReadMarked: 'members', // unless private: see below
  ReadReceiptPrivacySet: 'only the user named',
  AwayNoticesSet: 'only the user named',
  AgreementSet: 'members',
  OpenHoursSet: 'members',
  AgreementAccepted: 'moderators',
  MemberInvited: 'moderators',
  MemberMuted: 'moderators',
  MemberUnmuted: 'moderators',
  MemberWarned: 'moderators',
  MemberUnbanned: 'moderators',
  MessageReported: 'moderators',
  ReportResolved: 'moderators',
  MemberRemoved: 'moderators, members get a neutral form',
  MemberBanned: 'moderators, members get a neutral form', // only when wasMember
  MessageRedacted: 'moderators, members get a neutral form',
};

/** The events of a room's stream, and of an alert's, that the oracle knows. */
export const ROOM_EVENT_TYPES = Object.keys(AUDIENCE);
export const SAFETY_EVENT_TYPES = Object.keys(DOCUMENTED_FIELDS).filter((type) => type.startsWith('SafetyAlert'));

/** The room kinds hiding covers ("every group room"): a mentor pair's and a family session's room are not groups. */
const GROUP_KINDS = new Set(['peer_support', 'group_therapy', 'workshop']);

/** A room as delivery sees it: who is in it (with their global role) and who facilitates it. */
export interface RoomState {
  kind: string | null;
  members: Map<string, Role>;
  facilitators: Set<string>;
}

const emptyRoom = (): RoomState => ({ kind: null, members: new Map(), facilitators: new Set() });

/** The room's moderators for delivery: its creator, appointed facilitators and member clinicians/admins. */
export const moderatorsOf = (room: RoomState): string[] =>
  [...room.members].filter(([userId, role]) => room.facilitators.has(userId) || role === 'clinician' || role === 'admin').map(([userId]) => userId);

export function evolveRoom(room: RoomState, event: LoggedEvent): void {
  const d = event.data;
  if (event.type === 'RoomCreated') {
    room.kind = d.kind;
    room.members.set(d.createdBy, d.creatorRole);
    room.facilitators.add(d.createdBy);
  }
  if (event.type === 'PairRoomOpened') {
    // "makes the participant and the mentor its only members, neither a facilitator"
    room.kind = 'mentor_pair';
    room.members.set(d.participantId, 'participant');
    room.members.set(d.mentorId, 'mentor');
  }
  if (event.type === 'FamilySessionRoomOpened') {
    // "the participant a member, the host its facilitator"
    room.kind = 'family_session';
    room.members.set(d.participantId, 'participant');
    room.members.set(d.hostId, 'clinician');
    room.facilitators.add(d.hostId);
  }
  if (event.type === 'MemberJoined') room.members.set(d.userId, d.role);
  // an appointment lasts while its member stays: who leaves (or is removed) and joins again is a member until appointed
  if (['MemberLeft', 'MemberRemoved', 'MemberBanned'].includes(event.type)) {
    room.members.delete(d.userId);
    room.facilitators.delete(d.userId);
  }
  if (event.type === 'FacilitatorAppointed') room.facilitators.add(d.userId);
  if (event.type === 'FacilitatorRemoved') room.facilitators.delete(d.userId);
}

const roomIdOf = (event: LoggedEvent): string =>
  event.streamId.startsWith('room-') ? event.streamId.slice('room-'.length) : event.data.conversation.id;

export function pick(data: Record<string, any>, fields: string[]): Record<string, any> {
  return Object.fromEntries(fields.filter((f) => f in data).map((f) => [f, data[f]]));
}

/** The full form: the documented fields, and the author as actor on messages (a released message is the author's). */
function fullForm(event: LoggedEvent): WireEvent {
  const fields = DOCUMENTED_FIELDS[event.type];
  if (!fields) throw new Error(`${event.type} (position ${event.position}) is not in docs/PROTOCOL.md`);
  const isMessage = event.type === 'MessagePosted' || event.type === 'MessageEdited';
  return {
    position: event.position,
    type: event.type,
    streamId: event.streamId,
    data: pick(event.data, fields),
    actorId: isMessage ? event.data.authorId : event.actorId,
    occurredAt: event.occurredAt,
  };
}

/** The form members get who are neither moderators nor named ("members get: ..."). */
function neutralForm(event: LoggedEvent): WireEvent {
  const d = event.data;
  const base = { position: event.position, streamId: event.streamId, occurredAt: event.occurredAt };
  if (event.type === 'MemberRemoved') return { ...base, type: 'MemberLeft', actorId: d.userId, data: { userId: d.userId, leftAt: d.removedAt } };
  if (event.type === 'MemberBanned') return { ...base, type: 'MemberLeft', actorId: d.userId, data: { userId: d.userId, leftAt: d.bannedAt } };
  if (event.type === 'MessageUnpinned') return { ...base, type: 'MessageUnpinned', actorId: 'moderation', data: pick(d, ['messageId', 'cause', 'unpinnedAt']) };
  return { ...base, type: 'MessageRedacted', actorId: 'moderation', data: { messageId: d.messageId, redactedAt: d.redactedAt } };
}

/** What an alert's person is offered when it is raised (the clinic's crisis resources, from the held post's ack). */
export type HelpOffer = { message: string; resources: unknown };

/** The sender-facing form the person an alert is about gets instead (none for an escalation). */
function subjectForm(event: LoggedEvent, helpOffer: HelpOffer): WireEvent | undefined {
  const d = event.data;
  const base = { position: event.position, streamId: event.streamId, actorId: event.actorId, occurredAt: event.occurredAt };
  const about = { alertId: d.alertId, conversation: d.conversation };
  if (event.type === 'SafetyAlertRaised')
    return { ...base, type: 'SafetyHelpOffered', data: { ...about, staffNotified: true, heldMessageId: d.heldMessage?.messageId ?? null, ...helpOffer } };
  if (event.type === 'SafetyAlertAcknowledged') return { ...base, type: 'SafetyHelpOnTheWay', data: { ...about, acknowledgedAt: d.acknowledgedAt } };
  if (event.type === 'SafetyAlertResolved') return { ...base, type: 'SafetyAlertClosed', data: { ...about, outcome: d.outcome, resolvedAt: d.resolvedAt } };
  return undefined;
}

/** The person whose words or signs a room event carries ("X's MessagePosted ... or ReadMarked"), whom hiding concerns. */
function speakerOf(event: LoggedEvent): string | null {
  if (['MessagePosted', 'MessageEdited', 'MessageDeleted', 'MessageRedacted'].includes(event.type)) return event.data.authorId;
  if (['ReactionAdded', 'ReactionRemoved', 'ReadMarked'].includes(event.type)) return event.data.userId;
  return null;
}

/** Who hides whom, as the PersonHidden / PersonUnhidden events up to some point say. */
export class HiddenLists {
  private readonly lists = new Map<string, Set<string>>();
  apply(event: LoggedEvent): void {
    const list = this.lists.get(event.data.userId) ?? new Set<string>();
    this.lists.set(event.data.userId, list);
    if (event.type === 'PersonHidden') list.add(event.data.hiddenUserId);
    if (event.type === 'PersonUnhidden') list.delete(event.data.hiddenUserId);
  }
  hides(viewer: string, speaker: string): boolean {
    return this.lists.get(viewer)?.has(speaker) === true;
  }
}

/** Each mentor's languages and whether they are away, as their profile's events up to some point say. */
export class MentorSettings {
  private readonly languages = new Map<string, string[]>();
  private readonly away = new Set<string>();
  apply(event: LoggedEvent): void {
    if (event.type === 'MentorLanguagesSet') this.languages.set(event.data.mentorId, event.data.languages);
    if (event.type === 'MentorAwaySet' && event.data.away) this.away.add(event.data.mentorId);
    if (event.type === 'MentorAwaySet' && !event.data.away) this.away.delete(event.data.mentorId);
  }
  /** "matched by the primary subtag"; a mentor who never set any, or set [], gets every request; none while away */
  offers(mentor: string, language: string): boolean {
    const primary = (tag: string) => tag.split('-')[0].toLowerCase();
    const theirs = this.languages.get(mentor) ?? [];
    return !this.away.has(mentor) && (theirs.length === 0 || theirs.some((l) => primary(l) === primary(language)));
  }
}

/** Clinicians who went on call (`safety.setOnCall`) and have not gone off, with since when, as the on-call stream up to some point says. */
export class WentOnCall {
  readonly since = new Map<string, string>();
  apply(event: LoggedEvent): void {
    if (event.type === 'OnCallStarted') this.since.set(event.data.userId, event.data.startedAt);
    if (event.type === 'OnCallEnded') this.since.delete(event.data.userId);
  }
}

/**
 * The form of a mentoring event one user gets (docs/PROTOCOL.md, "Events and who sees them"), or none. `offered`: the
 * request it is about is offered to them (a mentor of its language, not away, not hiding its participant).
 */
function mentoringForm(event: LoggedEvent, role: Role, userId: string, offered: boolean): WireEvent | undefined {
  const d = event.data;
  const full = fullForm(event);
  const anonymous = (type = event.type, data: Record<string, unknown> = pick(full.data, Object.keys(full.data).filter((f) => f !== 'participantId' && f !== 'excludedMentors'))) =>
    ({ ...full, type, data, streamId: 'mentor-requests', actorId: 'anonymous' }) as WireEvent;
  const withoutReason = () => ({ ...full, data: pick(full.data, Object.keys(full.data).filter((f) => f !== 'reason')) });
  const staff = role === 'clinician' || role === 'admin';
  const participant = userId === d.participantId;
  const mentor = role === 'mentor';
  switch (event.type) {
    case 'MentorRequested':
      if (participant || staff) return full;
      return mentor && offered && !d.excludedMentors.includes(userId) ? anonymous() : undefined;
    case 'MentorRequestCancelled':
    case 'MentorRequestExpired':
      if (participant || staff) return full;
      return mentor && offered ? anonymous() : undefined;
    case 'MentorRequestUnanswered':
    case 'PairingFeedbackGiven':
      return participant || staff ? full : undefined;
    case 'MentorRequestDeclined':
      return userId === d.mentorId ? anonymous() : undefined;
    case 'PairingStarted':
      if (participant || staff || userId === d.mentorId) return full;
      return mentor && offered ? anonymous('MentorRequestTaken', { requestId: d.requestId, takenAt: d.startedAt }) : undefined;
    case 'PairingEnded':
      if (staff || userId === d.endedBy) return full;
      return participant || userId === d.mentorId ? withoutReason() : undefined;
    default:
      throw new Error(`${event.type} (position ${event.position}) is not in docs/PROTOCOL.md's mentoring table`);
  }
}

/**
 * The form of a family session's event one user gets (docs/PROTOCOL.md, "Family sessions", "Events and who sees them"):
 * the participant, the host, whoever acted and every clinician and admin in full; the guest it is about (through a
 * family login) its own form, with `actorId: "staff"`; nobody else anything.
 */
function familySessionForm(event: LoggedEvent, role: Role, userId: string, session: { participantId: string; hostId: string }): WireEvent | undefined {
  const d = event.data;
  if (role === 'family') {
    const guest = (data: Record<string, unknown>) => ({ ...fullForm(event), actorId: 'staff', data });
    if (event.type === 'FamilyInviteRedeemed' && d.guestId === userId) return guest({ sessionId: d.sessionId, guestId: d.guestId, status: 'waiting', redeemedAt: d.redeemedAt });
    if (event.type === 'FamilyGuestAdmitted' && d.guestId === userId) return guest({ sessionId: d.sessionId, guestId: d.guestId, roomId: d.roomId, admittedAt: d.admittedAt });
    if (event.type === 'FamilyGuestRemoved' && d.guestId === userId) return guest({ sessionId: d.sessionId, guestId: d.guestId, removedAt: d.removedAt });
    if (event.type === 'FamilyLobbyNoticeSent' && d.guestIds.includes(userId)) return guest({ sessionId: d.sessionId, text: d.text, sentAt: d.sentAt });
    if (event.type === 'FamilySessionEnded' && d.guestIds.includes(userId)) return guest({ sessionId: d.sessionId, endedAt: d.endedAt });
    return undefined;
  }
  const party = userId === session.participantId || userId === session.hostId || userId === event.actorId || role === 'clinician' || role === 'admin';
  return party ? fullForm(event) : undefined;
}

/** The rooms each user was ever a member of, as the room events up to some point say. */
class RoomsEverIn {
  private readonly rooms = new Map<string, Set<string>>();
  note(roomId: string, room: RoomState): void {
    for (const userId of room.members.keys()) this.rooms.set(userId, (this.rooms.get(userId) ?? new Set()).add(roomId));
  }
  of(userId: string): string[] {
    return [...(this.rooms.get(userId) ?? [])];
  }
}

/**
 * Who gets an event of a person's stream, live and on catch-up (docs/PROTOCOL.md, "Erased personal data", "HTTP
 * endpoints"): an erasure's notice `{ userId, erasedAt }` to clinicians and admins and "everyone in a room the person
 * was ever in" (live: who is in such a room then; on catch-up: whoever was ever in one, as the log is now), without who
 * erased; a suspension and a reinstatement to clinicians and admins but not the person; a request for erasure and its
 * withdrawal to admins and the person; an export to nobody.
 */
function personDeliveries(event: LoggedEvent, cast: Cast, roomsLive: Map<string, RoomState>, everLive: RoomsEverIn, everNow: RoomsEverIn): Delivery[] {
  const d = event.data;
  const users = Object.keys(cast);
  const overseer = (u: string) => cast[u] === 'clinician' || cast[u] === 'admin';
  const both = (to: string[], form: WireEvent): Delivery[] => to.map((userId) => ({ userId, live: form, catchUp: form }));
  if (event.type === 'PersonalDataErased') {
    const notice = { ...fullForm(event), actorId: 'staff' };
    const theirsNow = new Set(everNow.of(d.userId));
    return users.flatMap((userId) => {
      const live = overseer(userId) || everLive.of(d.userId).some((roomId) => roomsLive.get(roomId)?.members.has(userId));
      const catchUp = overseer(userId) || everNow.of(userId).some((roomId) => theirsNow.has(roomId));
      return live || catchUp ? [{ userId, ...(live ? { live: notice } : {}), ...(catchUp ? { catchUp: notice } : {}) }] : [];
    });
  }
  if (event.type === 'AccessSuspended' || event.type === 'AccessReinstated') return both(users.filter((u) => overseer(u) && u !== d.userId), fullForm(event));
  if (event.type === 'ErasureRequested' || event.type === 'ErasureRequestWithdrawn')
    return both(users.filter((u) => cast[u] === 'admin' || (u === d.userId && cast[u] !== 'family')), fullForm(event));
  // an export, and Haven's note of an admin's first connection, go to nobody
  if (event.type === 'PersonalDataExported' || event.type === 'AdminSeen') return [];
  throw new Error(`${event.type} (position ${event.position}) is not in docs/PROTOCOL.md`);
}

/** What one user should receive for one logged event, live and on catch-up (either may be absent). */
export interface Delivery {
  userId: string;
  live?: WireEvent;
  catchUp?: WireEvent;
}

export interface Story {
  cast: Cast;
  /** the clinicians on call by configuration (SAFETY_ON_CALL); those who go on call (`safety.setOnCall`) are in the log */
  onCall: string[];
  helpOffer?: HelpOffer;
}

/** Every delivery the documentation promises for this log, computed with membership at each event's position. */
export function documentedDeliveries(log: LoggedEvent[], { cast, onCall, helpOffer }: Story): Delivery[] {
  const users = Object.keys(cast);
  // "currently a moderator", "redacted since" and the hidden lists of catch-up are as they are now
  const roomsNow = new Map<string, RoomState>();
  const redactedNow = new Set<string>();
  const hiddenNow = new HiddenLists();
  const roomAt = (rooms: Map<string, RoomState>, roomId: string) => {
    if (!rooms.has(roomId)) rooms.set(roomId, emptyRoom());
    return rooms.get(roomId)!;
  };
  const mentorsNow = new MentorSettings();
  const everNow = new RoomsEverIn();
  for (const event of log) {
    if (event.streamId.startsWith('hidden-people-')) hiddenNow.apply(event);
    if (event.streamId.startsWith('mentor-profile-')) mentorsNow.apply(event);
    if (!event.streamId.startsWith('room-')) continue;
    evolveRoom(roomAt(roomsNow, roomIdOf(event)), event);
    everNow.note(roomIdOf(event), roomAt(roomsNow, roomIdOf(event)));
    if (event.type === 'MessageRedacted') redactedNow.add(event.data.messageId);
  }

  const rooms = new Map<string, RoomState>();
  const hiddenLive = new HiddenLists();
  const mentorsLive = new MentorSettings();
  const requests = new Map<string, { language: string; participantId: string }>();
  const sessions = new Map<string, { participantId: string; hostId: string }>();
  const everLive = new RoomsEverIn();
  // clinicians who went on call before the event and have not gone off
  const wentOnCall = new WentOnCall();
  const deliveries: Delivery[] = [];
  for (const event of log) {
    const d = event.data;
    if (event.streamId === 'on-call') {
      // "which clinicians and admins receive"
      wentOnCall.apply(event);
      const form = fullForm(event);
      for (const userId of users) if (cast[userId] === 'clinician' || cast[userId] === 'admin') deliveries.push({ userId, live: form, catchUp: form });
      continue;
    }
    if (event.streamId.startsWith('person-')) {
      deliveries.push(...personDeliveries(event, cast, rooms, everLive, everNow));
      continue;
    }
    if (event.streamId.startsWith('hidden-people-')) {
      // "go to that user only (never a family login, never staff)"
      hiddenLive.apply(event);
      const form = fullForm(event);
      deliveries.push({ userId: d.userId, live: form, catchUp: form });
      continue;
    }
    if (event.streamId.startsWith('notice-preferences-') || event.streamId.startsWith('presence-')) {
      // "goes to that user only (never a family login, never staff)"; being shown online: "goes to you alone"
      const form = fullForm(event);
      deliveries.push({ userId: d.userId, live: form, catchUp: form });
      continue;
    }
    if (event.streamId.startsWith('mentor-profile-')) {
      // "goes to that mentor only"; MentorSeen, Haven's note of a mentor's first connection, "goes to nobody"
      mentorsLive.apply(event);
      if (event.type === 'MentorSeen') continue;
      const form = fullForm(event);
      deliveries.push({ userId: d.mentorId, live: form, catchUp: form });
      continue;
    }
    if (event.streamId.startsWith('session-')) {
      if (event.type === 'FamilySessionScheduled') sessions.set(d.sessionId, { participantId: d.participantId, hostId: d.hostId });
      const session = sessions.get(d.sessionId)!;
      for (const userId of users) {
        const form = familySessionForm(event, cast[userId], userId, session);
        if (form) deliveries.push({ userId, live: form, catchUp: form });
      }
      continue;
    }
    if (event.streamId.startsWith('mentee-')) {
      if (event.type === 'MentorRequested') requests.set(d.requestId, { language: d.language, participantId: d.participantId });
      const request = d.requestId ? requests.get(d.requestId) : undefined;
      // a request, and what becomes of it, goes to the mentors of its language who are not away and do not hide its
      // participant: live as each is when delivered, on catch-up as each is now
      const offeredLive = (mentor: string) => request !== undefined && mentorsLive.offers(mentor, request.language) && !hiddenLive.hides(mentor, request.participantId);
      const offeredNow = (mentor: string) => request !== undefined && mentorsNow.offers(mentor, request.language) && !hiddenNow.hides(mentor, request.participantId);
      for (const userId of users) {
        if (cast[userId] === 'family') continue;
        const live = mentoringForm(event, cast[userId], userId, offeredLive(userId));
        const catchUp = mentoringForm(event, cast[userId], userId, offeredNow(userId));
        if (live || catchUp) deliveries.push({ userId, ...(live ? { live } : {}), ...(catchUp ? { catchUp } : {}) });
      }
      continue;
    }
    const roomId = roomIdOf(event);
    const room = roomAt(rooms, roomId);
    const forms = new Map<string, WireEvent>();
    const give = (to: string[], form: WireEvent) => to.forEach((u) => forms.set(u, form));

    if (event.streamId.startsWith('safety-')) {
      // "the clinicians on call: each id in SAFETY_ON_CALL and each clinician who went on call before the event and has
      // not gone off, or role:clinician when there are none" (at the event's position, live and on catch-up)
      const onCallThen = [...new Set([...onCall, ...wentOnCall.since.keys()])];
      const clinicians = users.filter((u) => cast[u] === 'clinician');
      const staff = [...moderatorsOf(room), ...(onCallThen.length > 0 ? onCallThen : clinicians)];
      if (event.type === 'SafetyAlertEscalated') staff.push(...clinicians);
      give(staff.filter((u) => u !== d.userId), fullForm(event));
      const forSubject = helpOffer && subjectForm(event, helpOffer);
      if (forSubject) give([d.userId], forSubject);
    } else {
      const inRoom = [...room.members.keys()];
      if (event.type === 'MemberJoined') inRoom.push(d.userId);
      if (event.type === 'RoomCreated') inRoom.push(d.createdBy);
      if (event.type === 'PairRoomOpened') inRoom.push(d.participantId, d.mentorId);
      if (event.type === 'FamilySessionRoomOpened') inRoom.push(d.participantId, d.hostId);
      // "in a pair room, what the table sends to moderators (reports, resolutions, mutes, unmutes) goes to every
      // clinician and admin"
      const moderators = room.kind === 'mentor_pair' ? users.filter((u) => cast[u] === 'clinician' || cast[u] === 'admin') : moderatorsOf(room);
      const full = fullForm(event);
      // "the user who caused an event (its actorId) is always named": a message's is its author, also when staff released it
      const named = full.actorId === 'system' ? [] : [full.actorId];
      const rule = AUDIENCE[event.type];
      if (!rule) throw new Error(`${event.type} has no audience in docs/PROTOCOL.md`);
      if (event.type === 'ReadMarked' && d.private) give([d.userId], full);
      else if (rule === 'only the user named') give([d.userId], full);
      else if (event.type === 'MessageUnpinned' && d.cause === 'redacted') {
        // "members get it without `by` (moderators with it), as they get the redaction"
        give(inRoom, neutralForm(event));
        give([...moderatorsOf(room), ...named], full);
      } else if (rule === 'members') give([...inRoom, ...named], full);
      else if (rule === 'moderators' && room.kind === 'mentor_pair') {
        named.push(event.type === 'MessageReported' || event.type === 'ReportResolved' ? d.reporterId : d.userId);
        give([...moderators, ...named], full);
        if (event.type === 'MessageReported' || event.type === 'ReportResolved') forms.delete(d.authorId);
      }
      else {
        if (event.type === 'MessageRedacted') named.push(d.authorId);
        else if (event.type === 'MessageReported' || event.type === 'ReportResolved') named.push(d.reporterId);
        else named.push(d.userId);
        const neutralToMembers = rule !== 'moderators' && !(event.type === 'MemberBanned' && !d.wasMember);
        if (neutralToMembers) give(inRoom, neutralForm(event));
        give([...moderatorsOf(room), ...named], full);
        // "and, in a group room, every clinician and admin, member or not (a family session's room keeps them to its host)"
        if ((event.type === 'MessageReported' || event.type === 'ReportResolved') && room.kind !== 'family_session') give(users.filter((u) => cast[u] === 'clinician' || cast[u] === 'admin'), full);
        // "named: reporter (never the reported author)", also when the author moderates the room
        if (event.type === 'MessageReported' || event.type === 'ReportResolved') forms.delete(d.authorId);
      }
    }

    // "While X is hidden by Y, in every group room that Y does not moderate, Y does not receive X's ..."; live as the
    // list is at the event, catch-up as it is now; only participants and mentors hide anyone
    const speaker = event.streamId.startsWith('room-') ? speakerOf(event) : null;
    const hidesSpeaker = (lists: HiddenLists, userId: string) =>
      speaker !== null &&
      GROUP_KINDS.has(room.kind ?? '') &&
      (cast[userId] === 'participant' || cast[userId] === 'mentor') &&
      !moderatorsOf(room).includes(userId) &&
      lists.hides(userId, speaker);

    for (const [userId, liveForm] of forms) {
      // family logins receive the events of their session's room only, as its admitted guests (named only once
      // admitted), and of alerts about their own words there the sender's form ("the guest gets help")
      if (cast[userId] === undefined || (cast[userId] === 'family' && room.kind !== 'family_session')) continue;
      let catchUp = liveForm;
      const isMessage = liveForm.type === 'MessagePosted' || liveForm.type === 'MessageEdited';
      if (isMessage && redactedNow.has(d.messageId) && !moderatorsOf(roomAt(roomsNow, roomId)).includes(userId)) {
        catchUp = { ...liveForm, data: { ...liveForm.data, text: null, contentWarning: null, redacted: true } };
      }
      deliveries.push({
        userId,
        ...(hidesSpeaker(hiddenLive, userId) ? {} : { live: liveForm }),
        ...(hidesSpeaker(hiddenNow, userId) ? {} : { catchUp }),
      });
    }
    if (event.streamId.startsWith('room-')) {
      evolveRoom(room, event);
      everLive.note(roomId, room);
    }
  }
  return deliveries;
}

// ---------------------------------------------------------------------------------------------------------------
// The room as it is now, for the HTTP reads (docs/PROTOCOL.md, "HTTP endpoints")
// ---------------------------------------------------------------------------------------------------------------

export interface MessageNow {
  messageId: string;
  position: number;
  authorId: string;
  text: string;
  contentWarning: string | null;
  deleted: boolean;
  redaction?: { reason: string; by: string };
}

export interface RoomNow {
  room: RoomState;
  moderators: string[];
  messages: MessageNow[];
  /** each user's times in the room: [joined at, left at or Infinity] */
  periods: Map<string, [number, number][]>;
}

export function roomNow(log: LoggedEvent[], roomId: string): RoomNow {
  const room = emptyRoom();
  const messages = new Map<string, MessageNow>();
  const periods = new Map<string, [number, number][]>();
  for (const event of log.filter((e) => e.streamId === `room-${roomId}`)) {
    const d = event.data;
    const before = new Set(room.members.keys());
    evolveRoom(room, event);
    for (const userId of room.members.keys()) if (!before.has(userId)) periods.set(userId, [...(periods.get(userId) ?? []), [event.position, Infinity]]);
    for (const userId of before) if (!room.members.has(userId)) periods.get(userId)!.at(-1)![1] = event.position;
    if (event.type === 'MessagePosted')
      messages.set(d.messageId, { messageId: d.messageId, position: event.position, authorId: d.authorId, text: d.text, contentWarning: d.contentWarning, deleted: false });
    const message = messages.get(d.messageId);
    if (event.type === 'MessageEdited') Object.assign(message!, { text: d.text, contentWarning: d.contentWarning });
    if (event.type === 'MessageDeleted') message!.deleted = true;
    if (event.type === 'MessageRedacted') message!.redaction = { reason: d.reason, by: d.by };
  }
  return { room, moderators: moderatorsOf(room), messages: [...messages.values()], periods };
}

/** Who hides whom now, as the whole log says. */
export function hiddenNowIn(log: LoggedEvent[]): (viewer: string, speaker: string) => boolean {
  const lists = new HiddenLists();
  for (const event of log) if (event.streamId.startsWith('hidden-people-')) lists.apply(event);
  return (viewer, speaker) => lists.hides(viewer, speaker);
}

/** Who went on call and has not gone off now, with since when, as the whole log says. */
export function onCallNowIn(log: LoggedEvent[]): Map<string, string> {
  const wentOnCall = new WentOnCall();
  for (const event of log) if (event.streamId === 'on-call') wentOnCall.apply(event);
  return wentOnCall.since;
}

/** Whether a mentor is offered requests in a language now (their languages and away), as the whole log says. */
export function mentorOffersNowIn(log: LoggedEvent[]): (mentor: string, language: string) => boolean {
  const settings = new MentorSettings();
  for (const event of log) if (event.streamId.startsWith('mentor-profile-')) settings.apply(event);
  return (mentor, language) => settings.offers(mentor, language);
}

/** A history entry as `reader` may read it: deleted and (for non-moderators) redacted text gone, reasons to moderators. */
export function historyEntryFor(message: MessageNow, moderator: boolean) {
  const hidden = message.deleted || (message.redaction !== undefined && !moderator);
  return {
    messageId: message.messageId,
    position: message.position,
    authorId: message.authorId,
    text: hidden ? null : message.text,
    contentWarning: hidden ? null : message.contentWarning,
    deleted: message.deleted,
    redacted: message.redaction !== undefined,
    ...(moderator && message.redaction ? { redaction: message.redaction } : {}),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Comparing what users received with what the oracle promises
// ---------------------------------------------------------------------------------------------------------------

export function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical((value as Record<string, unknown>)[k])]));
  return value;
}

/** One line per event, so a failure reads as "who got what". */
export const describeEvent = (e: WireEvent) =>
  `#${e.position} ${e.type} ${e.streamId.split('-')[0]} actor=${e.actorId} at=${e.occurredAt} ${JSON.stringify(canonical(e.data))}`;

export type Differences = Record<string, { unexpected?: string[]; missing?: string[]; notInOrder?: number[] }>;

/** Per user: events received that the oracle does not promise (leaks, or a wrong form), and promised ones not received. */
export function compare(received: Record<string, WireEvent[]>, promised: Record<string, WireEvent[]>): Differences {
  const differences: Differences = {};
  const countIn = (lines: string[], line: string) => lines.filter((l) => l === line).length;
  for (const user of Object.keys(promised)) {
    const got = (received[user] ?? []).map(describeEvent);
    const want = promised[user].map(describeEvent);
    const unexpected = got.filter((line, i) => countIn(got.slice(0, i), line) >= countIn(want, line));
    const missing = want.filter((line, i) => countIn(want.slice(0, i), line) >= countIn(got, line));
    const positions = (received[user] ?? []).map((e) => e.position);
    const notInOrder = positions.filter((p, i) => i > 0 && p <= positions[i - 1]);
    const entry = { ...(unexpected.length && { unexpected }), ...(missing.length && { missing }), ...(notInOrder.length && { notInOrder }) };
    if (Object.keys(entry).length) differences[user] = entry;
  }
  return differences;
}

/** Per user of the cast, the events promised in one form (live or on catch-up) after a position. */
export function promisedTo(deliveries: Delivery[], cast: Cast, form: 'live' | 'catchUp', after = 0): Record<string, WireEvent[]> {
  return Object.fromEntries(
    Object.keys(cast).map((u) => [u, deliveries.filter((d) => d.userId === u && d[form] !== undefined && d[form]!.position > after).map((d) => d[form]!)]),
  );
}
