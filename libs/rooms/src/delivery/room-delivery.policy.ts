import { isOverseer, OVERSEER_ROLES, SYSTEM_ACTOR, type Actor } from '@haven/domain';
import type { RecordedEvent, SqlExecutor } from '@haven/event-store';
// the file, not the lib's index (which loads Nest), so that jest can load this policy against real stores
import { channels, type ChannelMove, type Delivery, type DeliveryPolicy, type LiveRoute, idsIn } from '@haven/realtime/delivery-policy';
import { redactRoomEvent, roomEventAudience, type RoomAudience } from '../domain/room.audience';
import type { RoomKind } from '../domain/room.commands';
import type { RoomEvent } from '../domain/room.events';
import {
  coversPosition,
  familyRoomOf,
  isRoomEvent,
  periodsOfActor,
  periodsOfUser,
  roomIdOf,
  type MembershipPeriod,
} from '../read-models/room-membership.projection';
import { roomKind } from '../read-models/room-directory.projection';
import { redactedAmong } from '../read-models/room-messages.projection';
import { hiddenIdsOf } from '../hidden-people/hidden-people.projection';
import { GROUP_KINDS, readersHiding, speakerOf } from '../hidden-people/hidden-speakers';

const asRoomEvent = (event: RecordedEvent) => event as unknown as RoomEvent & RecordedEvent;

/**
 * Who sees a room event, live and on catch-up, both from the one audience function of the rooms domain:
 * live, as socket.io channels kept in step with membership events; on catch-up, by the membership period
 * covering each event's position.
 */
/** Of a room's events, those that are records about people, and the fields that name them. */
const ROOM_RECORD_FIELDS: Partial<Record<string, readonly string[]>> = {
  MessageReported: ['authorId', 'reporterId'],
  ReportResolved: ['authorId', 'reporterId'],
  MessageRedacted: ['authorId'],
  MemberMuted: ['userId'],
  MemberUnmuted: ['userId'],
  MemberWarned: ['userId'],
  MemberRemoved: ['userId'],
  MemberBanned: ['userId'],
  MemberUnbanned: ['userId'],
};

export const roomDeliveryPolicy: DeliveryPolicy = {
  owns: isRoomEvent,
  // the moderation queue and log (GET /rooms/:id/reports, /moderation-log); the conversation itself is not a record
  recordsAbout: (event) => idsIn(event.data, ROOM_RECORD_FIELDS[event.type] ?? []),

  async route(recorded, db): Promise<LiveRoute> {
    const event = asRoomEvent(recorded);
    const roomId = roomIdOf(recorded);
    const kindOf = kindsOf(db);
    const audience = withoutReadersHiding(withActor(roomEventAudience(event, roomId), authored(recorded)), await hidingSpeaker(event, recorded.position, roomId, kindOf, db));
    const { joinBefore, leaveAfter } = await channelMoves(event, roomId, recorded.position, db);
    const overseers = (await overseenByStaff(recorded, audience, kindOf)) ? OVERSEER_ROLES.map(channels.role) : [];
    const familyRoom = (await kindOf(roomId)) === 'family_session';
    return { deliveries: deliveriesFor(audience, authored(recorded), overseers, familyRoom), joinBefore, leaveAfter };
  },

  async visibleTo(viewer: Actor, events, db) {
    // a family login sees only its own session's room, through the periods it spent there as a guest
    const familyRoom = familyRoomOf(viewer);
    const periods = periodsOfActor(await periodsOfUser(db, viewer.userId), viewer);
    const kinds = kindsOf(db);
    const hidden = await hiddenBy(viewer, db);
    const visible: RecordedEvent[] = [];
    for (const stored of events) {
      const recorded = authored(stored);
      const roomId = roomIdOf(recorded);
      if (familyRoom !== null && roomId !== familyRoom) continue;
      const audience = withActor(roomEventAudience(asRoomEvent(recorded), roomId), recorded);
      if (audience.exceptUsers?.includes(viewer.userId)) continue;
      const period = periods.find((p) => p.roomId === roomId && coversPosition(p, recorded.position));
      // as live: what a person the viewer hides says in a group room the viewer does not moderate
      const speaker = speakerOf(asRoomEvent(recorded));
      if (speaker !== null && hidden.has(speaker) && period?.moderator !== true && GROUP_KINDS.has((await kinds(roomId)) ?? '')) continue;
      // a guest is named through its guest channel, which it joins when first admitted (channelsAt)
      const reachable = familyRoom === null || admittedBy(periods, roomId, recorded.position);
      const named = audience.alsoUsers?.includes(viewer.userId) === true && reachable;
      const moderator = period?.moderator === true;
      const overseer = isOverseer(viewer.role) && (await overseenByStaff(recorded, audience, kinds));
      if (named || overseer || (moderator && audience.to !== 'nobody')) visible.push(recorded);
      else if (audience.to === 'members' && period) visible.push(audience.redactFor ? redactedForm(recorded) : recorded);
    }
    return withRedactionsApplied(viewer, visible, periods, db);
  },

  async channelsAt(viewer, position, db) {
    const periods = periodsOfActor(await periodsOfUser(db, viewer.userId), viewer);
    const current = periods
      .filter((p) => coversPosition(p, position))
      .flatMap((p) => (p.moderator ? [channels.room(p.roomId), channels.roomModerators(p.roomId)] : [channels.room(p.roomId)]));
    // only a family login has guest periods here (periodsOfActor)
    const guest = periods.filter((p) => p.role === 'family' && p.from <= position).map((p) => channels.roomGuest(p.roomId, viewer.userId));
    return [...new Set([...current, ...guest])];
  },
};

/** Of a group room's event, the readers who hid the person whose words or signs it carries, as at it (hidden-speakers.ts). */
async function hidingSpeaker(event: RoomEvent, position: number, roomId: string, kindOf: (roomId: string) => Promise<RoomKind | null>, db: SqlExecutor): Promise<string[]> {
  const speaker = speakerOf(event);
  if (speaker === null || !GROUP_KINDS.has((await kindOf(roomId)) ?? '')) return [];
  return readersHiding(db, speaker, roomId, position);
}

function withoutReadersHiding(audience: RoomAudience, readers: string[]): RoomAudience {
  return readers.length === 0 ? audience : { ...audience, exceptUsers: [...(audience.exceptUsers ?? []), ...readers] };
}

/** The people a viewer hides (only participants and mentors hide anyone): one read per catch-up batch. */
async function hiddenBy(viewer: Actor, db: SqlExecutor): Promise<ReadonlySet<string>> {
  if (viewer.role !== 'participant' && viewer.role !== 'mentor') return new Set();
  return new Set(await hiddenIdsOf(db, viewer.userId));
}

/** Whether a guest had been admitted to the room by this position: from then on its guest channel reaches it. */
const admittedBy = (periods: MembershipPeriod[], roomId: string, position: number): boolean =>
  periods.some((p) => p.roomId === roomId && p.from <= position);

/**
 * A room's kind never changes, so each node reads it from room_directory once per room (per database) and keeps it:
 * live delivery asks for every event, and a query per message would sit on its path. Only a found kind is kept.
 */
const knownKinds = new WeakMap<SqlExecutor, Map<string, RoomKind>>();

function kindsOf(db: SqlExecutor): (roomId: string) => Promise<RoomKind | null> {
  let known = knownKinds.get(db);
  if (!known) knownKinds.set(db, (known = new Map()));
  const kinds = known;
  return async (roomId) => {
    const cached = kinds.get(roomId);
    if (cached) return cached;
    const kind = await roomKind(db, roomId);
    if (kind) kinds.set(roomId, kind);
    return kind;
  };
}

/**
 * Clinicians and admins stand in for moderators, live and on catch-up alike, where the room's moderators' channel would
 * not reach them: in a mentor pair, which nobody facilitates, everything its moderators would get (reports,
 * resolutions, mutes); in a group room, its reports and their resolutions, so that the moderation queue across rooms
 * (`GET /moderation/reports`, theirs to read) also arrives live, whether or not they are members. Not in a family
 * session's room: its host clinician moderates it, and staff outside the session are kept out of it.
 */
async function overseenByStaff(event: RecordedEvent, audience: RoomAudience, kindOf: (roomId: string) => Promise<RoomKind | null>): Promise<boolean> {
  if (audience.to !== 'moderators') return false;
  const kind = await kindOf(audience.roomId);
  if (kind === 'mentor_pair') return true;
  return (event.type === 'MessageReported' || event.type === 'ReportResolved') && kind !== null && kind !== 'family_session';
}

/**
 * The audience as socket.io emits: full event to moderators (and `overseers`, channels standing in for them) and
 * named users, the redacted form to other members; nobody the audience excepts sees it through any channel.
 */
function deliveriesFor(audience: RoomAudience, event: RecordedEvent, overseers: string[], familyRoom: boolean): Delivery[] {
  const personal = personalChannels(audience.roomId, familyRoom);
  const excepted = (audience.exceptUsers ?? []).flatMap(personal);
  const deliveries = audienceDeliveries(audience, event, overseers, personal);
  // outside a family session's room no family login is in any of its channels: one emit each, family excepted outright
  if (!familyRoom) return deliveries.map((d) => ({ ...d, except: [...d.except, ...excepted, channels.role('family')] }));
  return deliveries.flatMap((d) => familySafe({ ...d, except: [...d.except, ...excepted] }, audience.roomId));
}

/** A user's own channels for this room's events: their user channel, and in a family session's room their guest channel. */
const personalChannels =
  (roomId: string, familyRoom: boolean) =>
  (userId: string): string[] =>
    familyRoom ? [channels.user(userId), channels.roomGuest(roomId, userId)] : [channels.user(userId)];

/**
 * Family logins reach a room's events only as the admitted guests of its session: they are in the room's channel and
 * their guest channel only then (the moves below, channelsAt). Any other channel (`user:<id>`, the moderators', a role's)
 * may also hold a family login under a member's user id (an identity provider may give a relative's login the
 * participant's id), so an emit to those excepts `role:family`, and the channels of the first emit, which reached
 * their sockets already: socket.io removes duplicates only within one emit.
 */
function familySafe(delivery: Delivery, roomId: string): Delivery[] {
  const guestSafe = (channel: string) => channel === channels.room(roomId) || channel.startsWith(channels.roomGuest(roomId, ''));
  const guestReach = delivery.to.filter(guestSafe);
  const others = delivery.to.filter((channel) => !guestSafe(channel));
  return [
    ...(guestReach.length > 0 ? [{ ...delivery, to: guestReach }] : []),
    ...(others.length > 0 ? [{ ...delivery, to: others, except: [...delivery.except, channels.role('family'), ...guestReach] }] : []),
  ];
}

function audienceDeliveries(audience: RoomAudience, event: RecordedEvent, overseers: string[], personal: (userId: string) => string[]): Delivery[] {
  const named = (audience.alsoUsers ?? []).flatMap(personal);
  const room = channels.room(audience.roomId);
  const moderators = channels.roomModerators(audience.roomId);
  switch (audience.to) {
    case 'nobody':
      return [{ to: named, except: [], event }];
    case 'moderators':
      return [{ to: [moderators, ...overseers, ...named], except: [], event }];
    case 'members':
      return audience.redactFor
        ? [
            { to: [moderators, ...named], except: [], event },
            { to: [room], except: [moderators, ...named], event: redactedForm(event) },
          ]
        : [{ to: [room, ...named], except: [], event }];
  }
}

/**
 * Whoever caused an event sees it in full, live and on catch-up: a clinician may moderate a room without being in
 * it, and would otherwise get the ack of a mute but never the MemberMuted event itself.
 */
function withActor(audience: RoomAudience, event: RecordedEvent): RoomAudience {
  const actorId = event.metadata.actorId;
  if (actorId === SYSTEM_ACTOR.userId || audience.alsoUsers?.includes(actorId) || audience.exceptUsers?.includes(actorId)) return audience;
  return { ...audience, alsoUsers: [...(audience.alsoUsers ?? []), actorId] };
}

/**
 * A message is presented as its author's: a message staff released from a crisis hold carries the releasing staff
 * member in its metadata, which must not tell the room it was ever held.
 */
function authored(event: RecordedEvent): RecordedEvent {
  if (event.type !== 'MessagePosted' && event.type !== 'MessageEdited') return event;
  const authorId = String(event.data.authorId);
  return event.metadata.actorId === authorId ? event : { ...event, metadata: { ...event.metadata, actorId: authorId } };
}

/**
 * The redacted form also hides who acted: a removal shown as a neutral leave is "done by" the member who left,
 * and a redaction placeholder by `moderation`, so peers learn neither the reason nor the moderator.
 */
function redactedForm(event: RecordedEvent): RecordedEvent {
  const form = redactRoomEvent(asRoomEvent(event));
  if (form === (event as unknown)) return event;
  const actorId = form.type === 'MemberLeft' ? String(form.data.userId) : 'moderation';
  return { ...event, type: form.type, data: form.data as Record<string, unknown>, metadata: { ...event.metadata, actorId } };
}

/** A room channel a user's sockets join, except a family login's under the same user id: that is someone else. */
const roomMove = (userId: string, channel: string): ChannelMove => ({ userId, channel, except: [channels.role('family')] });

/**
 * A family guest's room channels: only the guest's family logins whose session this room is. The guest's id is the
 * family context's own (unique per invite), but the token, not the id, says which session a login belongs to.
 */
const guestMove = (userId: string, channel: string, roomId: string): ChannelMove => ({
  userId,
  channel,
  only: (actor) => actor.role === 'family' && familyRoomOf(actor) === roomId,
});

/** Sockets join before the emit (a joiner sees their join) and leave after it (a removed member sees why). */
async function channelMoves(event: RoomEvent, roomId: string, position: number, db: SqlExecutor) {
  const joinBefore: ChannelMove[] = [];
  const leaveAfter: ChannelMove[] = [];
  const room = channels.room(roomId);
  const moderators = channels.roomModerators(roomId);
  switch (event.type) {
    case 'RoomCreated':
      joinBefore.push(roomMove(event.data.createdBy, room), roomMove(event.data.createdBy, moderators));
      break;
    case 'PairRoomOpened':
      joinBefore.push(roomMove(event.data.participantId, room), roomMove(event.data.mentorId, room));
      break;
    case 'FamilySessionRoomOpened':
      joinBefore.push(roomMove(event.data.participantId, room), roomMove(event.data.hostId, room), roomMove(event.data.hostId, moderators));
      break;
    case 'MemberJoined':
      if (event.data.role === 'family') {
        // a guest admitted to a family session's room (AdmitFamilyGuest); its guest channel stays after it leaves, as
        // a user channel would (channelsAt)
        const guest = event.data.userId;
        joinBefore.push(guestMove(guest, room, roomId), guestMove(guest, channels.roomGuest(roomId, guest), roomId));
        break;
      }
      joinBefore.push(roomMove(event.data.userId, room));
      if (isOverseer(event.data.role)) joinBefore.push(roomMove(event.data.userId, moderators));
      break;
    case 'FacilitatorAppointed':
      joinBefore.push(roomMove(event.data.userId, moderators));
      break;
    case 'FacilitatorRemoved': {
      // the period at this event's position, not the current one: another node may have projected further already
      const period = (await periodsOfUser(db, event.data.userId)).find(
        (p) => p.roomId === roomId && p.role !== 'family' && coversPosition(p, position),
      );
      if (!period?.moderator) leaveAfter.push({ userId: event.data.userId, channel: moderators });
      break;
    }
    case 'MemberLeft':
    case 'MemberRemoved':
    case 'MemberBanned':
      leaveAfter.push({ userId: event.data.userId, channel: room }, { userId: event.data.userId, channel: moderators });
      break;
    default:
      break;
  }
  return { joinBefore, leaveAfter };
}

/**
 * On catch-up, a member must not read what a moderator has since redacted: the original MessagePosted (and any
 * edit) of a redacted message goes out with its text removed. Moderators get the original, for review.
 */
async function withRedactionsApplied(
  viewer: Actor,
  events: RecordedEvent[],
  periods: Awaited<ReturnType<typeof periodsOfUser>>,
  db: SqlExecutor,
): Promise<RecordedEvent[]> {
  const byRoom = new Map<string, string[]>();
  for (const e of events) {
    if (e.type === 'MessagePosted' || e.type === 'MessageEdited') {
      const roomId = roomIdOf(e);
      byRoom.set(roomId, [...(byRoom.get(roomId) ?? []), String(e.data.messageId)]);
    }
  }
  const redacted = new Set<string>();
  for (const [roomId, ids] of byRoom) {
    const isModeratorNow = periods.some((p) => p.roomId === roomId && p.to === null && p.moderator);
    if (isModeratorNow) continue;
    for (const id of await redactedAmong(db, roomId, ids)) redacted.add(`${roomId}/${id}`);
  }
  if (redacted.size === 0) return events;
  return events.map((e) =>
    (e.type === 'MessagePosted' || e.type === 'MessageEdited') && redacted.has(`${roomIdOf(e)}/${String(e.data.messageId)}`)
      ? { ...e, data: { ...e.data, text: null, contentWarning: null, redacted: true } }
      : e,
  );
}
