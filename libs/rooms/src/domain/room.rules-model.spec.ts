import fc from 'fast-check';
import { type Actor, DomainError, type Role, SYSTEM_ACTOR } from '@haven/domain';
import { JOIN_RULES, REPORT_OUTCOMES, type JoinRule, type RoomCommand } from './room.commands';
import { roomDecider } from './room.decider';
import { FAMILY_SESSION_ROOM, type RoomEvent } from './room.events';
import type { RoomState } from './room.state';
import { PAIRING_ID, T0, at, command, event, joined, posted, roomWithAliceAndBob, spec, users } from './testing/room.fixtures';

// A rules model of a room, written from docs/PROTOCOL.md ("Client → server messages") and not from the decider:
// random command sequences from a mixed cast go through the real decider, and every answer is judged against the
// model. An acceptance needs that no documented refusal applies; a refusal needs a documented code that applies.

// ---- the cast -------------------------------------------------------------------------------------------------
const SESSION_ID = 'session-1';
const who = (userId: string, role: Role): Actor => ({ userId, role });
const cast = {
  creator: who('fac-1', 'facilitator'), // creates the room: its first facilitator
  appointed: who('fac-2', 'facilitator'), // joins and is appointed in the prelude
  unappointed: who('fac-3', 'facilitator'), // staff by role, a plain member of this room
  clinicianIn: who('clin-1', 'clinician'),
  clinicianOut: who('clin-2', 'clinician'), // never joins: moderates from outside
  admin: who('admin-1', 'admin'), // never joins
  alice: who('alice', 'participant'),
  bob: who('bob', 'participant'),
  carol: who('carol', 'participant'),
  mentor: who('mentor-1', 'mentor'),
  family: who('fam-1', 'family'),
  // family logins of the family session a room may belong to (SESSION_ID): two guests, a relative's login under
  // alice's own id, and a guest of another session under the first guest's id
  guest: { userId: 'family-g1', role: 'family', familySessionId: SESSION_ID } as Actor,
  guest2: { userId: 'family-g2', role: 'family', familySessionId: SESSION_ID } as Actor,
  aliceFamily: { userId: 'alice', role: 'family', familySessionId: SESSION_ID } as Actor,
  strayGuest: { userId: 'family-g1', role: 'family', familySessionId: 'session-2' } as Actor,
};
const everyone = Object.values(cast);
const joiners = everyone.filter((a) => a !== cast.clinicianOut && a !== cast.admin);
const targets = [...everyone.map((a) => a.userId), 'stranger'];
const roleOf = (userId: string): Role | undefined => everyone.find((a) => a.userId === userId)?.role;
const GUEST_IDS = [cast.guest.userId, cast.guest2.userId];

// PROTOCOL.md's legend: staff = global facilitator, clinician, admin; clinicians and admins moderate any room.
const isStaff = (role: Role | undefined) => role === 'facilitator' || role === 'clinician' || role === 'admin';
const isOverseer = (role: Role | undefined) => role === 'clinician' || role === 'admin';

// ---- codes PROTOCOL.md lists for each command -------------------------------------------------------------------
const EVERY = ['ROOM.NOT_FOUND', 'ROOM.ARCHIVED'];
const MODERATOR = [...EVERY, 'ROOM.NOT_A_MEMBER', 'ROOM.FORBIDDEN'];
// "a mentor pair's room follows its pairing" and "a family session's room follows its session": these commands refuse
// there with ROOM.PAIR_ROOM and ROOM.FAMILY_SESSION_ROOM
const NOT_IN_LINKED_ROOMS = ['ROOM.PAIR_ROOM', 'ROOM.FAMILY_SESSION_ROOM'];
const REASON = ['ROOM.REASON_REQUIRED', 'ROOM.REASON_TOO_LONG'];
const TEXT = ['ROOM.MESSAGE_EMPTY', 'ROOM.MESSAGE_TOO_LONG', 'ROOM.CONTENT_WARNING_TOO_LONG'];
const DOCUMENTED: Partial<Record<RoomCommand['type'], string[]>> = {
  CreateRoom: [...EVERY, 'AUTH.FORBIDDEN', 'ROOM.ALREADY_EXISTS', 'ROOM.INVALID_NAME', 'ROOM.INVALID_TOPIC'],
  RenameRoom: [...MODERATOR, 'ROOM.INVALID_NAME'],
  ChangeJoinRule: MODERATOR,
  ArchiveRoom: MODERATOR,
  AppointFacilitator: [...MODERATOR, 'ROOM.TARGET_NOT_A_MEMBER'],
  RemoveFacilitator: [...MODERATOR, 'ROOM.NOT_A_FACILITATOR', 'ROOM.LAST_FACILITATOR'],
  InviteToRoom: [...MODERATOR, 'ROOM.ALREADY_A_MEMBER', 'ROOM.BANNED'],
  JoinRoom: [...EVERY, 'ROOM.FAMILY_NOT_ALLOWED', 'ROOM.ALREADY_A_MEMBER', 'ROOM.BANNED', 'ROOM.CLOSED', 'ROOM.INVITE_REQUIRED', 'ROOM.FULL'],
  LeaveRoom: [...EVERY, 'ROOM.NOT_A_MEMBER', 'ROOM.LAST_FACILITATOR'],
  PostMessage: [...EVERY, 'ROOM.NOT_A_MEMBER', 'ROOM.MUTED', 'ROOM.LOCKED', 'ROOM.SLOW_MODE', ...TEXT, 'ROOM.DUPLICATE_MESSAGE_ID', 'ROOM.MESSAGE_NOT_FOUND'],
  EditMessage: [...EVERY, 'ROOM.NOT_A_MEMBER', 'ROOM.MUTED', 'ROOM.LOCKED', 'ROOM.MESSAGE_NOT_FOUND', 'ROOM.MESSAGE_REDACTED', 'ROOM.NOT_AUTHOR', ...TEXT],
  DeleteMessage: [...EVERY, 'ROOM.NOT_A_MEMBER', 'ROOM.MESSAGE_NOT_FOUND', 'ROOM.MESSAGE_REDACTED', 'ROOM.NOT_AUTHOR'],
  AddReaction: [...EVERY, 'ROOM.NOT_A_MEMBER', 'ROOM.MUTED', 'ROOM.LOCKED', 'ROOM.MESSAGE_NOT_FOUND', 'ROOM.MESSAGE_REDACTED', 'ROOM.INVALID_REACTION'],
  RemoveReaction: [...EVERY, 'ROOM.NOT_A_MEMBER', 'ROOM.MESSAGE_NOT_FOUND', 'ROOM.INVALID_REACTION'],
  MuteMember: [...MODERATOR, 'ROOM.TARGET_NOT_A_MEMBER', 'ROOM.INVALID_MUTE_DURATION', ...REASON],
  UnmuteMember: [...MODERATOR, 'ROOM.NOT_MUTED'],
  RemoveMember: [...MODERATOR, 'ROOM.TARGET_NOT_A_MEMBER', 'ROOM.LAST_FACILITATOR', ...REASON],
  BanMember: [...MODERATOR, 'ROOM.TARGET_NOT_A_MEMBER', 'ROOM.ALREADY_BANNED', 'ROOM.LAST_FACILITATOR', ...REASON],
  UnbanMember: [...MODERATOR, 'ROOM.NOT_BANNED'],
  RedactMessage: [...MODERATOR, 'ROOM.MESSAGE_NOT_FOUND', 'ROOM.MESSAGE_REDACTED', ...REASON],
  SetSlowMode: [...MODERATOR, 'ROOM.INVALID_SLOW_MODE'],
  LockRoom: [...MODERATOR, 'ROOM.REASON_TOO_LONG'],
  UnlockRoom: [...MODERATOR, 'ROOM.REASON_TOO_LONG'],
  ReportMessage: [...EVERY, 'ROOM.NOT_A_MEMBER', 'ROOM.MESSAGE_NOT_FOUND', 'ROOM.CANNOT_REPORT_OWN_MESSAGE', 'ROOM.DUPLICATE_REPORT_ID', 'ROOM.ALREADY_REPORTED', ...REASON],
  ResolveReport: [...MODERATOR, 'ROOM.REPORT_NOT_FOUND', 'ROOM.REPORT_ALREADY_RESOLVED', 'ROOM.CANNOT_RESOLVE_REPORT_ON_OWN_MESSAGE', 'ROOM.NOTE_TOO_LONG'],
  ExpireMute: [], // sent by the system only; "mutes end by themselves"
  OpenPairRoom: ['AUTH.FORBIDDEN', 'ROOM.ALREADY_EXISTS'],
  ClosePairRoom: ['AUTH.FORBIDDEN', 'ROOM.NOT_FOUND', 'ROOM.FORBIDDEN'],
  OpenFamilySessionRoom: ['AUTH.FORBIDDEN', 'ROOM.ALREADY_EXISTS'],
  AdmitFamilyGuest: ['AUTH.FORBIDDEN', 'ROOM.ARCHIVED', 'ROOM.FORBIDDEN', 'ROOM.FULL'],
  RemoveFamilyGuest: ['AUTH.FORBIDDEN', 'ROOM.FORBIDDEN'],
  CloseFamilySessionRoom: ['AUTH.FORBIDDEN', 'ROOM.FORBIDDEN'],
};
for (const type of ['InviteToRoom', 'JoinRoom', 'LeaveRoom', 'RenameRoom', 'ChangeTopic', 'ChangeJoinRule', 'ArchiveRoom', 'AppointFacilitator',
  'RemoveFacilitator', 'RemoveMember', 'BanMember', 'UnbanMember', 'SetSlowMode', 'LockRoom', 'UnlockRoom'] as const) {
  DOCUMENTED[type] = [...(DOCUMENTED[type] ?? []), ...NOT_IN_LINKED_ROOMS];
}

// ---- the model: what the accepted events say about the room ------------------------------------------------------
interface Model {
  archived: boolean;
  /** set in a mentor pair's room */
  pairingId: string | null;
  /** set in a family session's room */
  sessionId: string | null;
  /** members who came in as family guests (admitted by the session) */
  guests: Set<string>;
  capacity: number;
  joinRule: JoinRule;
  name: string;
  locked: boolean;
  slowModeSeconds: number;
  /** userId -> facilitates the room */
  members: Map<string, boolean>;
  everIn: Set<string>;
  invites: Set<string>;
  bans: Set<string>;
  /** a mute outlives leaving */
  mutes: Map<string, { until: number; reason: string }>;
  /** userId -> time of their last post (ms), for slow mode's spacing */
  lastPost: Map<string, number>;
  messages: Map<string, { author: string; deleted: boolean; redacted: boolean; reactions: Set<string> }>;
  reports: Map<string, { reporter: string; messageId: string; author: string; open: boolean }>;
}

const newModel = (): Model => ({
  archived: false, pairingId: null, sessionId: null, guests: new Set(), capacity: 0, joinRule: 'open', name: '', locked: false, slowModeSeconds: 0,
  members: new Map(), everIn: new Set(), invites: new Set(), bans: new Set(), mutes: new Map(), lastPost: new Map(),
  messages: new Map(), reports: new Map(),
});

function apply(m: Model, e: RoomEvent): void {
  switch (e.type) {
    case 'RoomCreated':
      Object.assign(m, { capacity: e.data.capacity, joinRule: e.data.joinRule, name: e.data.name });
      m.members.set(e.data.createdBy, true);
      m.everIn.add(e.data.createdBy);
      return;
    case 'PairRoomOpened': // the two, neither facilitating; nobody else, ever
      Object.assign(m, { capacity: 2, joinRule: 'closed', name: 'Mentor pair', pairingId: e.data.pairingId });
      for (const userId of [e.data.participantId, e.data.mentorId]) {
        m.members.set(userId, false);
        m.everIn.add(userId);
      }
      return;
    case 'FamilySessionRoomOpened': // the participant, and the host facilitating; guests come in as the session admits them
      Object.assign(m, { capacity: FAMILY_SESSION_ROOM.capacity, joinRule: FAMILY_SESSION_ROOM.joinRule, name: FAMILY_SESSION_ROOM.name, sessionId: e.data.sessionId });
      m.members.set(e.data.participantId, false);
      m.members.set(e.data.hostId, true);
      m.everIn.add(e.data.participantId).add(e.data.hostId);
      return;
    case 'RoomRenamed': m.name = e.data.name; return;
    case 'JoinRuleChanged': m.joinRule = e.data.joinRule; return;
    case 'RoomArchived': m.archived = true; return;
    case 'FacilitatorAppointed': m.members.set(e.data.userId, true); return;
    case 'FacilitatorRemoved': m.members.set(e.data.userId, false); return;
    case 'MemberInvited': m.invites.add(e.data.userId); return;
    case 'MemberJoined': // an invite is used up by joining
      m.members.set(e.data.userId, false);
      if (e.data.role === 'family') m.guests.add(e.data.userId);
      m.everIn.add(e.data.userId);
      m.invites.delete(e.data.userId);
      return;
    case 'MemberLeft':
    case 'MemberRemoved':
      m.members.delete(e.data.userId);
      m.guests.delete(e.data.userId);
      return;
    case 'MemberBanned': // a ban also withdraws an invitation
      m.members.delete(e.data.userId);
      m.invites.delete(e.data.userId);
      m.bans.add(e.data.userId);
      return;
    case 'MemberUnbanned': m.bans.delete(e.data.userId); return;
    case 'MemberMuted': m.mutes.set(e.data.userId, { until: Date.parse(e.data.mutedUntil), reason: e.data.reason }); return;
    case 'MemberUnmuted': m.mutes.delete(e.data.userId); return;
    case 'MessagePosted':
      m.messages.set(e.data.messageId, { author: e.data.authorId, deleted: false, redacted: false, reactions: new Set() });
      m.lastPost.set(e.data.authorId, Date.parse(e.data.postedAt));
      return;
    case 'MessageDeleted': m.messages.get(e.data.messageId)!.deleted = true; return;
    case 'MessageRedacted': m.messages.get(e.data.messageId)!.redacted = true; return;
    case 'ReactionAdded': m.messages.get(e.data.messageId)!.reactions.add(`${e.data.emoji} ${e.data.userId}`); return;
    case 'ReactionRemoved': m.messages.get(e.data.messageId)!.reactions.delete(`${e.data.emoji} ${e.data.userId}`); return;
    case 'MessageReported': {
      const { reportId, reporterId, messageId, authorId } = e.data;
      m.reports.set(reportId, { reporter: reporterId, messageId, author: authorId, open: true });
      return;
    }
    case 'ReportResolved': m.reports.get(e.data.reportId)!.open = false; return;
    case 'RoomLocked': m.locked = true; return;
    case 'RoomUnlocked': m.locked = false; return;
    case 'SlowModeSet': m.slowModeSeconds = e.data.intervalSeconds; return;
    default: return; // topic, edits and read receipts change nothing these rules read
  }
}

// ---- the rules: what PROTOCOL.md says should happen -------------------------------------------------------------
/** Every documented refusal that applies (code -> why), and the event expected otherwise (null: changes nothing). */
interface Verdict {
  refusals: Record<string, string>;
  /** the `details` PROTOCOL.md promises with a refusal, where it promises any */
  details: Record<string, Record<string, unknown>>;
  expected: { type: RoomEvent['type']; data: Record<string, unknown> } | null;
}

const chars = (text: string | null | undefined) => [...(text ?? '').trim()].length;
const iso = (ms: number) => new Date(ms).toISOString();

function judge(cmd: RoomCommand, m: Model): Verdict {
  const { actor, now: nowIso } = cmd.context;
  const now = Date.parse(nowIso);
  const me = actor.userId;
  const refusals: Record<string, string> = {};
  const details: Verdict['details'] = {};
  const refuseIf = (applies: boolean, code: string, why: string, promised?: Record<string, unknown>) => {
    if (!applies || code in refusals) return;
    refusals[code] = why;
    if (promised) details[code] = promised;
  };
  const verdict = (type?: RoomEvent['type'], data: Record<string, unknown> = {}): Verdict => ({
    refusals,
    details,
    expected: type ? { type, data } : null,
  });
  const member = (userId: string) => m.members.has(userId);
  // "a family token is a member only of the room of the session its familySessionId names, under the id it was
  // admitted with, while admitted; a family token under another member's id is nobody in it, and a non-family token
  // under a guest's id is not the guest"
  const meIn = actor.role === 'family' ? m.guests.has(me) && actor.familySessionId === m.sessionId : member(me) && !m.guests.has(me);
  const facilitates = (userId: string) => m.members.get(userId) === true;
  const facilitators = () => [...m.members.values()].filter(Boolean).length;
  const mutedNow = (userId: string) => (m.mutes.get(userId)?.until ?? -Infinity) > now;

  const memberOnly = () => refuseIf(!meIn, 'ROOM.NOT_A_MEMBER', 'not a member (as this login)');
  const notInPairRoom = () => {
    refuseIf(m.pairingId !== null, 'ROOM.PAIR_ROOM', "a mentor pair's room");
    refuseIf(m.sessionId !== null, 'ROOM.FAMILY_SESSION_ROOM', "a family session's room");
  };
  const moderatorOnly = () => {
    refuseIf(!isOverseer(actor.role) && !meIn, 'ROOM.NOT_A_MEMBER', 'neither a member nor clinician/admin');
    refuseIf(!isOverseer(actor.role) && meIn && !facilitates(me), 'ROOM.FORBIDDEN', 'a member, not a facilitator of the room');
  };
  const mayModerate = (target: string) => {
    refuseIf(target === me, 'ROOM.FORBIDDEN', 'nobody moderates themselves', { userId: target });
    const protectedTarget = facilitates(target) || isStaff(roleOf(target));
    refuseIf(!isOverseer(actor.role) && protectedTarget, 'ROOM.FORBIDDEN', `${target} is a facilitator or staff`, { userId: target });
  };
  const lastFacilitator = (target: string) => refuseIf(facilitates(target) && facilitators() <= 1, 'ROOM.LAST_FACILITATOR', `${target} is the last facilitator`);
  const reason = (text: string) => {
    refuseIf(chars(text) === 0, 'ROOM.REASON_REQUIRED', 'blank reason');
    refuseIf(chars(text) > 500, 'ROOM.REASON_TOO_LONG', 'reason over 500');
  };
  const text = (body: string, contentWarning?: string | null) => {
    refuseIf(chars(body) === 0, 'ROOM.MESSAGE_EMPTY', 'blank text');
    refuseIf(chars(body) > 4000, 'ROOM.MESSAGE_TOO_LONG', 'text over 4000', { max: 4000, length: chars(body) });
    refuseIf(chars(contentWarning) > 60, 'ROOM.CONTENT_WARNING_TOO_LONG', 'content warning over 60');
  };
  // "Room facilitators and staff are exempt from lock and slow mode, not from mutes."
  const speech = (slowMode: boolean) => {
    const mute = m.mutes.get(me);
    if (mute) refuseIf(mutedNow(me), 'ROOM.MUTED', 'muted', { mutedUntil: iso(mute.until), reason: mute.reason });
    const exempt = facilitates(me) || isStaff(actor.role);
    refuseIf(m.locked && !exempt, 'ROOM.LOCKED', 'locked, and not exempt');
    const last = m.lastPost.get(me);
    const tooSoon = last !== undefined && now - last < m.slowModeSeconds * 1000;
    const retryAfterMs = (last ?? 0) + m.slowModeSeconds * 1000 - now;
    refuseIf(slowMode && !exempt && tooSoon, 'ROOM.SLOW_MODE', `posted ${(now - (last ?? 0)) / 1000}s ago, slow mode ${m.slowModeSeconds}s`, {
      retryAfterMs,
      intervalSeconds: m.slowModeSeconds,
    });
  };
  const visible = (messageId: string) => {
    const message = m.messages.get(messageId);
    refuseIf(!message || message.deleted, 'ROOM.MESSAGE_NOT_FOUND', 'missing or deleted');
    refuseIf(message?.redacted === true, 'ROOM.MESSAGE_REDACTED', 'redacted');
    return message;
  };
  const emoji = (value: string) => refuseIf(chars(value) === 0 || chars(value) > 16, 'ROOM.INVALID_REACTION', 'reaction not 1..16');

  if (cmd.type === 'CreateRoom') {
    refuseIf(true, 'ROOM.ALREADY_EXISTS', 'the room exists');
    refuseIf(!isStaff(actor.role), 'AUTH.FORBIDDEN', 'not staff');
    return verdict();
  }
  // "only the system opens and closes a pair's room, as its pairing starts and ends; both may be sent again"
  const bySystem = me === SYSTEM_ACTOR.userId;
  if (cmd.type === 'OpenPairRoom') {
    refuseIf(!bySystem, 'AUTH.FORBIDDEN', 'not the system');
    refuseIf(m.pairingId !== cmd.data.pairingId, 'ROOM.ALREADY_EXISTS', 'the room exists, not for this pairing');
    return verdict();
  }
  if (cmd.type === 'ClosePairRoom') {
    refuseIf(!bySystem, 'AUTH.FORBIDDEN', 'not the system');
    refuseIf(m.pairingId === null, 'ROOM.FORBIDDEN', 'not a pair room');
    return m.archived ? verdict() : verdict('RoomArchived', { by: SYSTEM_ACTOR.userId });
  }
  // "the family-sessions context sends, as system, OpenFamilySessionRoom ... AdmitFamilyGuest ... RemoveFamilyGuest ...
  // CloseFamilySessionRoom; the two guest commands and the close are refused in any other room (ROOM.FORBIDDEN)"
  if (cmd.type === 'OpenFamilySessionRoom') {
    refuseIf(!bySystem, 'AUTH.FORBIDDEN', 'not the system');
    refuseIf(m.sessionId !== cmd.data.sessionId, 'ROOM.ALREADY_EXISTS', 'the room exists, not for this session');
    return verdict();
  }
  if (cmd.type === 'AdmitFamilyGuest' || cmd.type === 'RemoveFamilyGuest' || cmd.type === 'CloseFamilySessionRoom') {
    refuseIf(!bySystem, 'AUTH.FORBIDDEN', 'not the system');
    refuseIf(m.sessionId === null, 'ROOM.FORBIDDEN', 'not a family session room');
    if (cmd.type === 'CloseFamilySessionRoom') return m.archived ? verdict() : verdict('RoomArchived', { by: SYSTEM_ACTOR.userId });
    const { guestId } = cmd.data;
    if (cmd.type === 'RemoveFamilyGuest') {
      // "not in: nothing"; a closed session's room has nobody left to turn away
      const inAsGuest = !m.archived && m.guests.has(guestId);
      return inAsGuest ? verdict('MemberRemoved', { userId: guestId, by: SYSTEM_ACTOR.userId, reason: 'turned away' }) : verdict();
    }
    // not the system: refused as such first ("anyone else: AUTH.FORBIDDEN"), archived or not
    refuseIf(m.archived && bySystem, 'ROOM.ARCHIVED', 'archived');
    if (member(guestId)) return verdict(); // "already in: nothing"
    refuseIf(m.members.size >= m.capacity, 'ROOM.FULL', `full at ${m.capacity}`, { capacity: m.capacity });
    return verdict('MemberJoined', { userId: guestId, role: 'family' });
  }
  if (cmd.type === 'ExpireMute') {
    const { userId, mutedUntil } = cmd.data;
    const ends = !m.archived && m.mutes.get(userId)?.until === Date.parse(mutedUntil) && now >= Date.parse(mutedUntil);
    return ends ? verdict('MemberUnmuted', { userId, by: SYSTEM_ACTOR.userId, reason: 'expired' }) : verdict();
  }
  // "archived rooms refuse every command"
  if (m.archived) {
    refuseIf(true, 'ROOM.ARCHIVED', 'archived');
    return verdict();
  }
  switch (cmd.type) {
    case 'JoinRoom':
      notInPairRoom();
      refuseIf(actor.role === 'family', 'ROOM.FAMILY_NOT_ALLOWED', 'family guest');
      refuseIf(member(me), 'ROOM.ALREADY_A_MEMBER', 'already in');
      refuseIf(m.bans.has(me), 'ROOM.BANNED', 'banned');
      refuseIf(m.joinRule === 'closed', 'ROOM.CLOSED', 'closed');
      refuseIf(m.joinRule === 'invite_only' && !m.invites.has(me) && !isStaff(actor.role), 'ROOM.INVITE_REQUIRED', 'no invite');
      refuseIf(m.members.size >= m.capacity, 'ROOM.FULL', `full at ${m.capacity}`, { capacity: m.capacity });
      return verdict('MemberJoined', { userId: me, role: actor.role });
    case 'LeaveRoom':
      notInPairRoom();
      memberOnly();
      lastFacilitator(me);
      return verdict('MemberLeft', { userId: me });
    case 'InviteToRoom': {
      notInPairRoom();
      const { userId } = cmd.data;
      moderatorOnly();
      refuseIf(member(userId), 'ROOM.ALREADY_A_MEMBER', `${userId} is in`);
      refuseIf(m.bans.has(userId), 'ROOM.BANNED', `${userId} is banned`);
      return m.invites.has(userId) ? verdict() : verdict('MemberInvited', { userId, by: me });
    }
    case 'PostMessage': {
      const { messageId, replyTo } = cmd.data;
      memberOnly();
      speech(true);
      text(cmd.data.text, cmd.data.contentWarning);
      refuseIf(m.messages.has(messageId), 'ROOM.DUPLICATE_MESSAGE_ID', 'id taken');
      const target = replyTo ? m.messages.get(replyTo) : undefined;
      refuseIf(!!replyTo && (!target || target.deleted || target.redacted), 'ROOM.MESSAGE_NOT_FOUND', 'reply to a hidden message');
      return verdict('MessagePosted', { messageId, authorId: me, replyTo: replyTo ?? null });
    }
    case 'EditMessage': {
      memberOnly();
      speech(false);
      const message = visible(cmd.data.messageId);
      refuseIf(!!message && message.author !== me, 'ROOM.NOT_AUTHOR', 'not the author');
      text(cmd.data.text, cmd.data.contentWarning);
      return verdict('MessageEdited', { messageId: cmd.data.messageId, authorId: me });
    }
    case 'DeleteMessage': {
      memberOnly();
      const message = visible(cmd.data.messageId);
      refuseIf(!!message && message.author !== me, 'ROOM.NOT_AUTHOR', 'not the author');
      return verdict('MessageDeleted', { messageId: cmd.data.messageId, authorId: me });
    }
    case 'AddReaction': {
      memberOnly();
      speech(false);
      const message = visible(cmd.data.messageId);
      emoji(cmd.data.emoji);
      const again = message?.reactions.has(`${cmd.data.emoji.trim()} ${me}`);
      return again ? verdict() : verdict('ReactionAdded', { messageId: cmd.data.messageId, userId: me });
    }
    case 'RemoveReaction': {
      memberOnly();
      const message = m.messages.get(cmd.data.messageId);
      refuseIf(!message || message.deleted, 'ROOM.MESSAGE_NOT_FOUND', 'missing or deleted');
      emoji(cmd.data.emoji);
      const had = message?.reactions.has(`${cmd.data.emoji.trim()} ${me}`);
      return had ? verdict('ReactionRemoved', { messageId: cmd.data.messageId, userId: me }) : verdict();
    }
    case 'ReportMessage': {
      const { reportId, messageId } = cmd.data;
      memberOnly();
      const message = m.messages.get(messageId);
      refuseIf(!message, 'ROOM.MESSAGE_NOT_FOUND', 'never existed');
      refuseIf(message?.author === me, 'ROOM.CANNOT_REPORT_OWN_MESSAGE', 'own message');
      refuseIf(m.reports.has(reportId), 'ROOM.DUPLICATE_REPORT_ID', 'report id taken');
      const open = [...m.reports].find(([, r]) => r.open && r.messageId === messageId && r.reporter === me);
      refuseIf(!!open, 'ROOM.ALREADY_REPORTED', 'an open report of mine', { messageId, reportId: open?.[0] });
      reason(cmd.data.reason);
      return verdict('MessageReported', { reportId, messageId, authorId: message?.author, reporterId: me });
    }
    case 'ResolveReport': {
      const { reportId, outcome } = cmd.data;
      moderatorOnly();
      const report = m.reports.get(reportId);
      refuseIf(!report, 'ROOM.REPORT_NOT_FOUND', 'no such report');
      refuseIf(report?.open === false, 'ROOM.REPORT_ALREADY_RESOLVED', 'resolved');
      refuseIf(report?.author === me, 'ROOM.CANNOT_RESOLVE_REPORT_ON_OWN_MESSAGE', 'about my message');
      refuseIf(chars(cmd.data.note) > 500, 'ROOM.NOTE_TOO_LONG', 'note over 500');
      return verdict('ReportResolved', { reportId, outcome, by: me, reporterId: report?.reporter, authorId: report?.author });
    }
    case 'MuteMember': {
      const { userId, durationSeconds } = cmd.data;
      moderatorOnly();
      refuseIf(!member(userId), 'ROOM.TARGET_NOT_A_MEMBER', `${userId} is not in`);
      mayModerate(userId);
      const valid = Number.isInteger(durationSeconds) && durationSeconds >= 60 && durationSeconds <= 604_800;
      refuseIf(!valid, 'ROOM.INVALID_MUTE_DURATION', `${durationSeconds}s`);
      reason(cmd.data.reason);
      return verdict('MemberMuted', { userId, by: me, mutedUntil: iso(now + durationSeconds * 1000) });
    }
    case 'UnmuteMember': {
      const { userId } = cmd.data;
      moderatorOnly();
      mayModerate(userId);
      refuseIf(!mutedNow(userId), 'ROOM.NOT_MUTED', `${userId} is not muted now`);
      return verdict('MemberUnmuted', { userId, by: me, reason: 'lifted' });
    }
    case 'RemoveMember': {
      notInPairRoom();
      const { userId } = cmd.data;
      moderatorOnly();
      refuseIf(!member(userId), 'ROOM.TARGET_NOT_A_MEMBER', `${userId} is not in`);
      mayModerate(userId);
      reason(cmd.data.reason);
      lastFacilitator(userId);
      return verdict('MemberRemoved', { userId, by: me });
    }
    case 'BanMember': {
      notInPairRoom();
      const { userId } = cmd.data;
      moderatorOnly();
      refuseIf(!member(userId) && !m.everIn.has(userId), 'ROOM.TARGET_NOT_A_MEMBER', `${userId} was never in`);
      mayModerate(userId);
      refuseIf(m.bans.has(userId), 'ROOM.ALREADY_BANNED', 'banned already');
      reason(cmd.data.reason);
      lastFacilitator(userId);
      return verdict('MemberBanned', { userId, by: me, wasMember: member(userId) });
    }
    case 'UnbanMember': {
      notInPairRoom();
      const { userId } = cmd.data;
      moderatorOnly();
      mayModerate(userId);
      refuseIf(!m.bans.has(userId), 'ROOM.NOT_BANNED', `${userId} is not banned`);
      return verdict('MemberUnbanned', { userId, by: me });
    }
    case 'RedactMessage': {
      const { messageId } = cmd.data;
      moderatorOnly();
      const message = m.messages.get(messageId);
      refuseIf(!message || message.deleted, 'ROOM.MESSAGE_NOT_FOUND', 'missing or deleted');
      refuseIf(message?.redacted === true, 'ROOM.MESSAGE_REDACTED', 'redacted already');
      if (message) mayModerate(message.author);
      reason(cmd.data.reason);
      return verdict('MessageRedacted', { messageId, authorId: message?.author, by: me });
    }
    case 'SetSlowMode': {
      notInPairRoom();
      const { intervalSeconds } = cmd.data;
      moderatorOnly();
      const valid = Number.isInteger(intervalSeconds) && intervalSeconds >= 0 && intervalSeconds <= 3600;
      refuseIf(!valid, 'ROOM.INVALID_SLOW_MODE', `${intervalSeconds}s`);
      return intervalSeconds === m.slowModeSeconds ? verdict() : verdict('SlowModeSet', { intervalSeconds, by: me });
    }
    case 'LockRoom':
    case 'UnlockRoom':
      notInPairRoom();
      moderatorOnly();
      refuseIf(chars(cmd.data.reason) > 500, 'ROOM.REASON_TOO_LONG', 'reason over 500');
      if (m.locked === (cmd.type === 'LockRoom')) return verdict();
      return verdict(cmd.type === 'LockRoom' ? 'RoomLocked' : 'RoomUnlocked', { by: me });
    case 'AppointFacilitator': {
      notInPairRoom();
      const { userId } = cmd.data;
      moderatorOnly();
      refuseIf(!member(userId), 'ROOM.TARGET_NOT_A_MEMBER', `${userId} is not in`);
      return facilitates(userId) ? verdict() : verdict('FacilitatorAppointed', { userId, by: me });
    }
    case 'RemoveFacilitator': {
      notInPairRoom();
      const { userId } = cmd.data;
      moderatorOnly();
      refuseIf(!facilitates(userId), 'ROOM.NOT_A_FACILITATOR', `${userId} does not facilitate`);
      // "a facilitator who is not a clinician or admin may step down or remove a non-staff facilitator, not staff"
      refuseIf(userId !== me && !isOverseer(actor.role) && isStaff(roleOf(userId)), 'ROOM.FORBIDDEN', `${userId} is staff`, { userId });
      lastFacilitator(userId);
      return verdict('FacilitatorRemoved', { userId, by: me });
    }
    case 'ChangeJoinRule':
      notInPairRoom();
      moderatorOnly();
      return cmd.data.joinRule === m.joinRule ? verdict() : verdict('JoinRuleChanged', { joinRule: cmd.data.joinRule, by: me });
    case 'RenameRoom': {
      notInPairRoom();
      moderatorOnly();
      refuseIf(chars(cmd.data.name) === 0 || chars(cmd.data.name) > 100, 'ROOM.INVALID_NAME', 'name not 1..100');
      const name = cmd.data.name.trim();
      return name === m.name ? verdict() : verdict('RoomRenamed', { name, by: me });
    }
    case 'ArchiveRoom':
      notInPairRoom();
      moderatorOnly();
      return verdict('RoomArchived', { by: me });
    default:
      throw new Error(`the model does not cover ${cmd.type}`);
  }
}

// ---- random sessions --------------------------------------------------------------------------------------------
const KINDS = {
  join: 12, leave: 6, invite: 6, post: 24, edit: 6, delete: 4, react: 8, unreact: 2, report: 6, resolve: 6, mute: 12,
  unmute: 6, expire: 6, remove: 6, ban: 6, unban: 6, redact: 6, lock: 4, unlock: 4, slowMode: 6, appoint: 3,
  dismiss: 6, joinRule: 4, rename: 2, archive: 1, create: 1, openPair: 1, closePair: 1,
  openFamily: 1, admitGuest: 4, turnAway: 3, closeFamily: 1,
} as const;
const MODERATION: ReadonlySet<Kind> = new Set<Kind>([
  'invite', 'resolve', 'mute', 'unmute', 'remove', 'ban', 'unban', 'redact', 'lock', 'unlock', 'slowMode', 'appoint',
  'dismiss', 'joinRule', 'rename', 'archive',
]);
type Kind = keyof typeof KINDS;
/** One step, abstract so that it shrinks well; `toCommand` turns it into a command against the room as it is now. */
interface Step { kind: Kind; actor: number; target: number; pick: number; variant: number; amount: number; wait: number }
const stepArb: fc.Arbitrary<Step> = fc.record({
  kind: fc.oneof(...Object.entries(KINDS).map(([kind, weight]) => ({ arbitrary: fc.constant(kind as Kind), weight }))),
  actor: fc.nat(99), target: fc.nat(99), pick: fc.nat(99), variant: fc.nat(9), amount: fc.nat(9), wait: fc.nat(9),
});

// Seconds to let pass before a step; 'mute' and 'slow' land exactly on a mute's end or slow mode's next slot.
const WAITS = [0, 0, 0, 1, 3, 10, 45, 200, 'mute', 'slow'] as const;
const MUTE_SECONDS = [60, 90, 120, 300, 600, 3600, 604_800, 59, 604_801, 90.5];
const SLOW_SECONDS = [0, 10, 30, 60, 120, 600, 3600, -1, 3601, 2.5];
const long = (length: number) => 'x'.repeat(length);

function advance(clock: number, step: Step, m: Model): number {
  const wait = WAITS[step.wait];
  if (wait === 'mute') {
    const ends = [...m.mutes.values()].map((mute) => mute.until).filter((t) => t > clock);
    return ends.length ? Math.min(...ends) : clock + 1000;
  }
  if (wait === 'slow') return Math.max(clock, ...[...m.lastPost.values()].map((t) => t + m.slowModeSeconds * 1000));
  return clock + wait * 1000;
}

function toCommand(s: Step, m: Model, now: string, n: number): RoomCommand {
  // two times in three, someone in the room: most of a session's commands come from, and are about, its members
  const inRoom = everyone.filter((a) => m.members.has(a.userId));
  const moderators = everyone.filter((a) => isOverseer(a.role) || m.members.get(a.userId));
  const peers = inRoom.filter((a) => !isStaff(a.role)); // the ones lock, slow mode and moderation are for
  const likely = MODERATION.has(s.kind) ? moderators : s.actor % 3 === 2 ? peers : inRoom;
  const by = s.actor % 3 && likely.length ? likely[s.actor % likely.length] : everyone[s.actor % everyone.length];
  const aimAt = s.kind === 'unmute' || s.kind === 'expire' ? [...m.mutes.keys()] : s.kind === 'unban' ? [...m.bans] : inRoom.map((a) => a.userId);
  const userId = s.target % 3 && aimAt.length ? aimAt[s.target % aimAt.length] : targets[s.target % targets.length];
  // the same people again: a member who keeps posting, one who left or was removed coming back
  const lastAuthor = [...m.messages.values()].filter((msg) => !isStaff(roleOf(msg.author))).pop()?.author;
  const returning = joiners.filter((a) => m.everIn.has(a.userId) && !m.members.has(a.userId));
  const pickFrom = (ids: string[]) => (ids.length && s.pick % 10 !== 9 ? ids[s.pick % ids.length] : 'nope');
  const messageId = pickFrom([...m.messages.keys()]);
  const reason = s.variant === 8 ? '  ' : s.variant === 9 ? long(501) : ' shouting ';
  const optional = s.variant === 7 ? undefined : s.variant === 9 ? long(501) : 'calm';
  const body = s.variant === 7 ? ' \n ' : s.variant === 8 ? long(4001) : ' hello ';
  switch (s.kind) {
    case 'join': {
      const joiner = s.actor % 3 === 1 && returning.length ? returning[s.actor % returning.length] : joiners[s.actor % joiners.length];
      return command('JoinRoom', {}, joiner, now);
    }
    case 'leave': return command('LeaveRoom', {}, by, now);
    case 'invite': return command('InviteToRoom', { userId }, by, now);
    case 'post': {
      // variant 7: blank text, 8: too long, 9: too long a content warning; 6: a used id, or a reply to nothing
      const id = s.variant === 6 && s.amount % 2 ? messageId : `m${n}`;
      const replyTo = s.variant === 6 && !(s.amount % 2) ? 'nope' : s.amount % 3 === 0 ? messageId : null;
      const contentWarning = s.variant === 9 ? long(61) : s.amount % 3 === 1 ? ' grief ' : undefined;
      const author = s.pick % 3 === 1 ? inRoom.find((a) => a.userId === lastAuthor) ?? by : by;
      return command('PostMessage', { messageId: id, text: s.variant === 9 ? 'hi' : body, contentWarning, replyTo }, author, now);
    }
    case 'edit': return command('EditMessage', { messageId, text: body }, by, now);
    case 'delete': return command('DeleteMessage', { messageId }, by, now);
    case 'react': return command('AddReaction', { messageId, emoji: ['💙', '🙏', ' ', long(17)][s.variant % 4] }, by, now);
    case 'unreact': return command('RemoveReaction', { messageId, emoji: ['💙', '🙏', ' '][s.variant % 3] }, by, now);
    case 'report': {
      const reportId = s.variant === 4 ? pickFrom([...m.reports.keys()]) : `r${n}`;
      return command('ReportMessage', { reportId, messageId, reason }, by, now);
    }
    case 'resolve': {
      const note = s.variant === 8 ? long(501) : s.variant === 7 ? null : 'talked it through';
      const outcome = REPORT_OUTCOMES[s.amount % REPORT_OUTCOMES.length];
      return command('ResolveReport', { reportId: pickFrom([...m.reports.keys()]), outcome, note }, by, now);
    }
    case 'mute': return command('MuteMember', { userId, durationSeconds: MUTE_SECONDS[s.amount], reason }, by, now);
    case 'unmute': return command('UnmuteMember', { userId }, by, now);
    case 'expire': {
      const until = m.mutes.get(userId)?.until ?? Date.parse(now) - 1000;
      return command('ExpireMute', { userId, mutedUntil: iso(s.variant === 8 ? until - 60_000 : until) }, SYSTEM_ACTOR, now);
    }
    case 'remove': return command('RemoveMember', { userId, reason }, by, now);
    case 'ban': return command('BanMember', { userId, reason }, by, now);
    case 'unban': return command('UnbanMember', { userId }, by, now);
    case 'redact': return command('RedactMessage', { messageId, reason }, by, now);
    case 'lock': return command('LockRoom', { reason: optional }, by, now);
    case 'unlock': return command('UnlockRoom', { reason: optional }, by, now);
    case 'slowMode': return command('SetSlowMode', { intervalSeconds: SLOW_SECONDS[s.amount] }, by, now);
    case 'appoint': return command('AppointFacilitator', { userId }, by, now);
    case 'dismiss': return command('RemoveFacilitator', { userId }, by, now);
    case 'joinRule': return command('ChangeJoinRule', { joinRule: JOIN_RULES[s.amount % 3] }, by, now);
    case 'rename': return command('RenameRoom', { name: [' Mornings ', 'Evening group', ' ', long(101)][s.variant % 4] }, by, now);
    case 'archive': return command('ArchiveRoom', {}, by, now);
    case 'create':
      return command('CreateRoom', { name: 'Again', topic: '', kind: 'workshop', capacity: 5, joinRule: 'open' }, by, now);
    // the mentoring context's commands, mostly as the system, for this room's pairing or another
    case 'openPair': {
      const pairingId = s.variant % 2 ? PAIRING_ID : 'pairing-2';
      return command('OpenPairRoom', { pairingId, participantId: 'carol', mentorId: 'mentor-1' }, s.actor % 3 ? SYSTEM_ACTOR : by, now);
    }
    case 'closePair': return command('ClosePairRoom', {}, s.actor % 3 ? SYSTEM_ACTOR : by, now);
    // the family-sessions context's commands, mostly as the system: a guest of the session, or anyone else's id
    case 'openFamily': {
      const sessionId = s.variant % 2 ? SESSION_ID : 'session-2';
      return command('OpenFamilySessionRoom', { sessionId, participantId: 'alice', hostId: 'clin-1' }, s.actor % 3 ? SYSTEM_ACTOR : by, now);
    }
    case 'admitGuest':
    case 'turnAway': {
      const guestId = s.target % 4 ? GUEST_IDS[s.target % GUEST_IDS.length] : userId;
      return command(s.kind === 'admitGuest' ? 'AdmitFamilyGuest' : 'RemoveFamilyGuest', { guestId }, s.actor % 3 ? SYSTEM_ACTOR : by, now);
    }
    case 'closeFamily': return command('CloseFamilySessionRoom', {}, s.actor % 3 ? SYSTEM_ACTOR : by, now);
    default: {
      const _exhaustive: never = s.kind;
      return _exhaustive;
    }
  }
}

// ---- judging the decider --------------------------------------------------------------------------------------
type Outcome = { events: RoomEvent[] } | { refused: DomainError };

function attempt(cmd: RoomCommand, state: RoomState): Outcome {
  try {
    return { events: roomDecider.decide(cmd, state) };
  } catch (error) {
    if (error instanceof DomainError) return { refused: error };
    throw new Error(`decide threw something that is not a DomainError on ${cmd.type}: ${String(error)}`);
  }
}

const short = (value: unknown) =>
  JSON.stringify(value, (_key, v: unknown) => (typeof v === 'string' && v.length > 24 ? `${v.slice(0, 6)}…(${v.length})` : v));
/** The whole answer, to compare two runs of decide. */
const fingerprint = (o: Outcome) => JSON.stringify('refused' in o ? [o.refused.code, o.refused.message, o.refused.details] : o.events);
const show = (o: Outcome) => ('refused' in o ? `${o.refused.code} ${short(o.refused.details)}` : short(o.events.map((e) => e.type)));
const line = (cmd: RoomCommand, o: Outcome) => {
  const { roomId: _room, ...data } = cmd.data;
  return `${cmd.context.now.slice(11, 19)} ${cmd.context.actor.userId} ${cmd.type} ${short(data)} -> ${show(o)}`;
};

/** The problem with the decider's answer, or null when PROTOCOL.md's rules allow it. */
function problemWith(cmd: RoomCommand, outcome: Outcome, verdict: Verdict): string | null {
  const applying = Object.entries(verdict.refusals).map(([code, why]) => `${code} (${why})`);
  if ('refused' in outcome) {
    const { code } = outcome.refused;
    if (!(DOCUMENTED[cmd.type] ?? []).includes(code)) return `refused with ${code}, which PROTOCOL.md does not list for ${cmd.type}`;
    if ('ROOM.ARCHIVED' in verdict.refusals && code !== 'ROOM.ARCHIVED') return `an archived room refused with ${code}, not ROOM.ARCHIVED`;
    if (!(code in verdict.refusals)) return `refused with ${code}, but that rule does not apply; applying: ${applying.join(', ') || 'none'}`;
    const promised = Object.entries(verdict.details[code] ?? {}).filter(([key, value]) => short(outcome.refused.details[key]) !== short(value));
    return promised.length ? `${code} carries details ${short(outcome.refused.details)}, expected ${short(verdict.details[code])}` : null;
  }
  if (applying.length) return `accepted although PROTOCOL.md refuses it: ${applying.join(', ')}`;
  const { expected } = verdict;
  if (!expected) return outcome.events.length ? `expected no event, got ${show(outcome)}` : null;
  const [event, ...more] = outcome.events;
  if (!event || more.length || event.type !== expected.type) return `expected one ${expected.type}, got ${show(outcome)}`;
  const data = event.data as Record<string, unknown>;
  const wrong = Object.entries(expected.data).filter(([key, value]) => short(data[key]) !== short(value));
  return wrong.length ? `${event.type} has ${wrong.map(([k, v]) => `${k}=${short(data[k])} (expected ${short(v)})`).join(', ')}` : null;
}

/** Creates the room, seats the cast, then plays the steps; throws on the first answer the rules do not allow. */
function playSession(capacity: number, joinRule: JoinRule, slowModeSeconds: number, steps: Step[]): void {
  const create = command('CreateRoom', { name: 'Evening group', topic: '', kind: 'peer_support', capacity, joinRule: 'open' }, cast.creator, T0);
  const prelude: RoomCommand[] = [
    ...[cast.appointed, cast.unappointed, cast.clinicianIn, cast.alice, cast.bob, cast.mentor].map((a) => command('JoinRoom', {}, a, T0)),
    command('AppointFacilitator', { userId: cast.appointed.userId }, cast.creator, T0),
    command('ChangeJoinRule', { joinRule }, cast.creator, T0),
    command('SetSlowMode', { intervalSeconds: slowModeSeconds }, cast.creator, T0),
  ];
  playFrom(`capacity ${capacity}, ${joinRule}, slow mode ${slowModeSeconds}s`, create, prelude, steps);
}

/** Opens alice's and the mentor's pair room, then plays the steps, everyone else's attempts to get in included. */
function playPairSession(steps: Step[]): void {
  const open = command('OpenPairRoom', { pairingId: PAIRING_ID, participantId: cast.alice.userId, mentorId: cast.mentor.userId }, SYSTEM_ACTOR, T0);
  playFrom("a mentor pair's room", open, [], steps);
}

/** Opens alice's family session room (dr clin-1 hosting), admits one guest, then plays the steps. */
function playFamilySession(steps: Step[]): void {
  const open = command('OpenFamilySessionRoom', { sessionId: SESSION_ID, participantId: cast.alice.userId, hostId: cast.clinicianIn.userId }, SYSTEM_ACTOR, T0);
  playFrom("a family session's room", open, [command('AdmitFamilyGuest', { guestId: cast.guest.userId }, SYSTEM_ACTOR, T0)], steps);
}

function playFrom(session: string, create: RoomCommand, prelude: RoomCommand[], steps: Step[]): void {
  const model = newModel();
  let state = roomDecider.initialState();
  let clock = Date.parse(T0);
  const trace: string[] = [];
  const play = (cmd: RoomCommand) => {
    const verdict = judge(cmd, model);
    const before = JSON.stringify(state);
    const outcome = attempt(cmd, state);
    trace.push(line(cmd, outcome));
    const fail = (problem: string) => {
      throw new Error(`${problem}\nsession (${session}):\n  ${trace.join('\n  ')}`);
    };
    if (JSON.stringify(state) !== before) fail('decide changed the state it was given');
    if (fingerprint(attempt(cmd, state)) !== fingerprint(outcome)) fail('decide answered differently the second time');
    const problem = problemWith(cmd, outcome, verdict);
    if (problem) fail(problem);
    for (const event of 'events' in outcome ? outcome.events : []) {
      try {
        state = roomDecider.evolve(state, event);
      } catch (error) {
        fail(`evolve threw on ${event.type}: ${String(error)}`);
      }
      apply(model, event);
    }
  };
  const created = roomDecider.decide(create, state);
  trace.push(line(create, { events: created }));
  for (const event of created) {
    state = roomDecider.evolve(state, event);
    apply(model, event);
  }
  prelude.forEach(play);
  steps.forEach((step, n) => {
    clock = advance(clock, step, model);
    play(toCommand(step, model, iso(clock), n));
  });
}

// Fixed so that a failure reproduces; FUZZ_SEED=<n> explores other sessions.
const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : 20300106;

describe('the moderation and membership rules of PROTOCOL.md, over random sessions', () => {
  it('accepts only what no documented rule refuses, and refuses only with a documented code that applies', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 3, max: 12 }), // capacity
        fc.constantFrom(...JOIN_RULES),
        fc.constantFrom(0, 30, 120), // slow mode at the start
        fc.array(stepArb, { maxLength: 80, size: 'max' }),
        playSession,
      ),
      { numRuns: 300, seed },
    );
  });
});

describe("the same rules in a mentor pair's room, over random sessions", () => {
  it('accepts only what no documented rule refuses, and refuses only with a documented code that applies', () => {
    fc.assert(fc.property(fc.array(stepArb, { maxLength: 80, size: 'max' }), playPairSession), { numRuns: 200, seed });
  });
});

describe("the same rules in a family session's room, over random sessions", () => {
  it('accepts only what no documented rule refuses, and refuses only with a documented code that applies', () => {
    fc.assert(fc.property(fc.array(stepArb, { maxLength: 80, size: 'max' }), playFamilySession), { numRuns: 200, seed });
  });
});

describe('found by this model and fixed (2026-12-01), as focused cases', () => {
  // leaving (or being removed) and joining again restarted slow mode's spacing, so in an open room a member could
  // post, leave, rejoin and post again at once; the last post time now outlives membership, as a mute does
  it('keeps slow mode spacing for a member who leaves and rejoins', () => {
    const history = [
      ...roomWithAliceAndBob(),
      event('SlowModeSet', { intervalSeconds: 60, by: 'fac-1', setAt: T0 }),
      posted('m1', users.alice, at(1)),
      event('MemberLeft', { userId: 'alice', leftAt: at(2) }),
      joined(users.alice, at(3)),
    ];
    spec.given(history).when(command('PostMessage', { messageId: 'm2', text: 'again' }, users.alice, at(4)))
      .thenThrows('ROOM.SLOW_MODE', { retryAfterMs: 57_000, intervalSeconds: 60 });
  });
});
