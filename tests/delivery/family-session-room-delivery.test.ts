import { randomUUID } from 'node:crypto';
import { SYSTEM_ACTOR, type Actor, type Role } from '@haven/domain';
import type { RecordedEvent, Storage } from '@haven/event-store';
import { handleCommand } from '@haven/command-handling/command-handler';
import { projectEvent } from '@haven/projections';
import type { DeliveryPolicy } from '@haven/realtime/delivery-policy';
import { roomDeliveryPolicy } from '@haven/rooms/delivery/room-delivery.policy';
import { sessionRoomIdOf } from '@haven/rooms/domain/linked-room-ids';
import { roomStreamName } from '@haven/rooms/domain/room.events';
import { listRooms, roomKind } from '@haven/rooms/read-models/room-directory.projection';
import { membershipOf, roomRoster } from '@haven/rooms/read-models/room-membership.projection';
import { roomConversationPort } from '@haven/rooms/safety/room-conversation.port';
import { safetyAlertDecider, type SafetyCommand } from '@haven/safety/domain/safety-alert.decider';
import { createSafetyDeliveryPolicy } from '@haven/safety/safety-delivery.policy';
import { DEFAULT_CRISIS_LIST, DEFAULT_CRISIS_RESOURCES } from '@haven/safety/screening/default-crisis-phrases';
import { allReadModels } from '../../apps/api/src/read-models';
import { describeOnBothStores } from '../support/storage-suites';
import { caughtUp, nextMoment, receivedLive, send, withReadModels, type Seen } from './delivery-harness';

/**
 * A family session's room through the real decider, command handler, projections and delivery policies: who gets each
 * event live (the routes, over the channels each login's sockets are in at that position) must be exactly who gets it
 * on catch-up (visibleTo). Family logins see their own session's room once admitted, and nothing else anywhere.
 */
const who = (userId: string, role: Role, familySessionId?: string): Actor => (familySessionId ? { userId, role, familySessionId } : { userId, role });
const drKim = who('dr-kim', 'clinician'); // hosts session-1 and session-2
const alice = who('alice', 'participant'); // session-1's participant
const bob = who('bob', 'participant'); // session-2's participant
const guest = who('family-inv-1', 'family', 'session-1'); // admitted, stays
const removed = who('family-inv-2', 'family', 'session-1'); // admitted, then turned away
const waiting = who('family-inv-4', 'family', 'session-1'); // never admitted
const otherGuest = who('family-inv-3', 'family', 'session-2'); // admitted to session-2
const aliceFamily = who('alice', 'family', 'session-1'); // a relative's login under alice's id, naming her session
const drLee = who('dr-lee', 'clinician'); // on call, in no room
const fran = who('fran', 'facilitator');
const ada = who('ada', 'admin'); // oversees group rooms' reports and mentor pairs, not family sessions
const viewers = { drKim, alice, bob, guest, removed, waiting, otherGuest, aliceFamily, drLee, fran, ada };

const room1 = sessionRoomIdOf('session-1');
const room2 = sessionRoomIdOf('session-2');
const groupRoom = randomUUID();

/** what the gateway does when screening holds a post: checks membership through the room's port, raises the alert */
async function raise(storage: Storage, by: Actor, roomId: string, alertId: string): Promise<void> {
  // the read models as far as the log (a checkpoint skips what was projected already)
  for (const event of await storage.events.readAll({ after: 0, limit: 1000 })) await projectEvent(storage.sql, allReadModels, event);
  await roomConversationPort.requireMember(storage.sql, by, roomId);
  const command: SafetyCommand = {
    type: 'RaiseAlert',
    data: { alertId, conversation: { kind: 'room', id: roomId }, source: 'screening', categories: ['suicide'], escalateAfterSeconds: 300,
      heldMessage: { messageId: `held-${alertId}`, text: 'I want to end it', contentWarning: null, replyTo: null, edit: false } },
    context: { actor: by, commandId: randomUUID(), now: nextMoment() },
  };
  await handleCommand(storage.events, safetyAlertDecider, `safety-${alertId}`, command);
}

async function lives(storage: Storage): Promise<RecordedEvent[]> {
  await send(storage, room1, SYSTEM_ACTOR, 'OpenFamilySessionRoom', { sessionId: 'session-1', participantId: 'alice', hostId: 'dr-kim' });
  await send(storage, room1, alice, 'PostMessage', { messageId: 'p1', text: 'thank you for coming' });
  await send(storage, room1, SYSTEM_ACTOR, 'AdmitFamilyGuest', { guestId: guest.userId });
  await send(storage, room1, guest, 'PostMessage', { messageId: 'p2', text: 'we are proud of you', replyTo: 'p1' });
  await send(storage, room1, drKim, 'PostMessage', { messageId: 'p3', text: 'welcome' });
  await send(storage, room1, guest, 'AddReaction', { messageId: 'p1', emoji: '💙' });
  await send(storage, room1, SYSTEM_ACTOR, 'AdmitFamilyGuest', { guestId: removed.userId });
  await send(storage, room1, removed, 'ReportMessage', { reportId: 'r1', messageId: 'p1', reason: 'not true' });
  await send(storage, room1, drKim, 'MuteMember', { userId: guest.userId, durationSeconds: 300, reason: 'a breather' });
  await send(storage, room1, guest, 'SetReadReceiptPrivacy', { private: true });
  // a muted guest still gets help: the crisis path checks membership only
  await raise(storage, guest, room1, 'alert-1');
  await send(storage, room1, SYSTEM_ACTOR, 'RemoveFamilyGuest', { guestId: removed.userId });
  await send(storage, room1, drKim, 'ResolveReport', { reportId: 'r1', outcome: 'no_action', note: 'talked it through' });
  await send(storage, room1, alice, 'PostMessage', { messageId: 'p4', text: 'after' });

  await send(storage, room2, SYSTEM_ACTOR, 'OpenFamilySessionRoom', { sessionId: 'session-2', participantId: 'bob', hostId: 'dr-kim' });
  await send(storage, room2, SYSTEM_ACTOR, 'AdmitFamilyGuest', { guestId: otherGuest.userId });
  await send(storage, room2, otherGuest, 'PostMessage', { messageId: 'q1', text: 'hello bob' });

  await send(storage, groupRoom, fran, 'CreateRoom', { name: 'Evening', topic: '', kind: 'peer_support', capacity: 10, joinRule: 'open' });
  await send(storage, groupRoom, alice, 'JoinRoom', {});
  await send(storage, groupRoom, alice, 'PostMessage', { messageId: 'g1', text: 'hello group' });
  await raise(storage, alice, groupRoom, 'alert-2');

  await send(storage, room1, SYSTEM_ACTOR, 'CloseFamilySessionRoom', {});
  const events = await storage.events.readAll({ after: 0, limit: 1000 });
  // as the log follower: every read model is at (or past) an event before it is routed
  for (const event of events) await projectEvent(storage.sql, allReadModels, event);
  return events;
}

const safetyPolicy = createSafetyDeliveryPolicy([roomConversationPort], {
  list: DEFAULT_CRISIS_LIST,
  resources: DEFAULT_CRISIS_RESOURCES,
  onCall: [],
  escalateAfterSeconds: 300,
  pager: null,
});
const policies: DeliveryPolicy[] = [roomDeliveryPolicy, safetyPolicy];

describeOnBothStores("a family session's room, live and on catch-up", (open) => {
  // nested, so that the store closes before the suite removes its files
  describe('through the real decider, projections and delivery policies', () => familySessionSuite(open));
});

function familySessionSuite(open: () => Promise<Storage>) {
  let storage: Storage;
  let events: RecordedEvent[];
  beforeAll(async () => {
    storage = await withReadModels(await open());
    events = await lives(storage);
  });
  afterAll(() => storage.close());
  const streamOf = (e: Seen) => events.find((event) => event.position === e.position)!.streamId;
  const typesIn = (list: Seen[], stream: string) => list.filter((e) => streamOf(e) === stream).map((e) => e.type);
  const visible = async (viewer: Actor, stream: string) => typesIn(await caughtUp(viewer, events, storage.sql, policies), stream);

  it.each(Object.entries(viewers))('gives %s the same events live as on catch-up', async (_name, viewer) => {
    expect(await receivedLive(viewer, events, storage.sql, policies)).toEqual(await caughtUp(viewer, events, storage.sql, policies));
  });

  it('shows the admitted guest the room from its admission: its mute, its own receipts, and help when it asks', async () => {
    expect(await visible(guest, roomStreamName(room1))).toEqual([
      'MemberJoined', 'MessagePosted', 'MessagePosted', 'ReactionAdded', 'MemberJoined', 'MemberMuted', 'ReadReceiptPrivacySet',
      'MemberLeft', 'MessagePosted', 'RoomArchived',
    ]);
    const help = (await caughtUp(guest, events, storage.sql, policies)).filter((e) => streamOf(e) === 'safety-alert-1');
    expect(help.map((e) => e.type)).toEqual(['SafetyHelpOffered']);
    // nothing of another session's room, of a group room, or of another member's alert
    for (const stream of [roomStreamName(room2), roomStreamName(groupRoom), 'safety-alert-2']) expect(await visible(guest, stream)).toEqual([]);
  });

  it('shows a turned-away guest the room up to its removal, and the answer to its report', async () => {
    expect(await visible(removed, roomStreamName(room1))).toEqual([
      'MemberJoined', 'MessageReported', 'MemberRemoved', 'ReportResolved',
    ]);
  });

  it("shows the host everything staff see, and the participant the conversation without the guest's private parts", async () => {
    expect(await visible(drKim, roomStreamName(room1))).toEqual([
      'FamilySessionRoomOpened', 'MessagePosted', 'MemberJoined', 'MessagePosted', 'MessagePosted', 'ReactionAdded', 'MemberJoined',
      'MessageReported', 'MemberMuted', 'MemberRemoved', 'ReportResolved', 'MessagePosted', 'RoomArchived',
    ]);
    expect(await visible(drKim, 'safety-alert-1')).toEqual(['SafetyAlertRaised']);
    // the reported author never learns of the report; a removal reaches other members as a neutral leave
    expect(await visible(alice, roomStreamName(room1))).toEqual([
      'FamilySessionRoomOpened', 'MessagePosted', 'MemberJoined', 'MessagePosted', 'MessagePosted', 'ReactionAdded', 'MemberJoined',
      'MemberLeft', 'MessagePosted', 'RoomArchived',
    ]);
    expect(await visible(alice, 'safety-alert-1')).toEqual([]);
  });

  it("shows a guest of another session only that session's room; family logins not admitted see nothing at all", async () => {
    expect(await visible(otherGuest, roomStreamName(room2))).toEqual(['MemberJoined', 'MessagePosted']);
    expect((await caughtUp(otherGuest, events, storage.sql, policies)).every((e) => streamOf(e) === roomStreamName(room2))).toBe(true);
    for (const nobody of [waiting, aliceFamily]) {
      expect(await receivedLive(nobody, events, storage.sql, policies)).toEqual([]);
      expect(await caughtUp(nobody, events, storage.sql, policies)).toEqual([]);
    }
    // alice's own alert in the group room reaches her, not a relative's login under her id
    expect(await visible(alice, 'safety-alert-2')).toEqual(['SafetyHelpOffered']);
  });

  it('keeps clinicians, admins and facilitators outside the session out of it (alerts reach the on-call clinicians only)', async () => {
    for (const outsider of [drLee, ada, fran, bob]) expect(await visible(outsider, roomStreamName(room1))).toEqual([]);
    expect(await visible(drLee, 'safety-alert-1')).toEqual(['SafetyAlertRaised']);
  });

  it('gives a family login a membership only in its own session room, while admitted', async () => {
    expect(await membershipOf(storage.sql, guest, room1)).toEqual({ moderator: false });
    expect(await membershipOf(storage.sql, removed, room1)).toBeNull();
    expect(await membershipOf(storage.sql, waiting, room1)).toBeNull();
    expect(await membershipOf(storage.sql, aliceFamily, room1)).toBeNull();
    expect(await membershipOf(storage.sql, aliceFamily, groupRoom)).toBeNull();
    expect(await membershipOf(storage.sql, otherGuest, room1)).toBeNull();
    expect(await membershipOf(storage.sql, otherGuest, room2)).toEqual({ moderator: false });
    expect(await membershipOf(storage.sql, alice, room1)).toEqual({ moderator: false });
    expect(await membershipOf(storage.sql, drKim, room1)).toEqual({ moderator: true });
    // a non-family login under a guest's id is not the guest
    expect(await membershipOf(storage.sql, who(guest.userId, 'participant'), room1)).toBeNull();
  });

  it('seats the participant, the host as moderator and the admitted guests; lists the room nowhere; knows its kind', async () => {
    expect((await roomRoster(storage.sql, room1)).map(({ userId, role, moderator }) => ({ userId, role, moderator }))).toEqual([
      { userId: 'alice', role: 'participant', moderator: false },
      { userId: 'dr-kim', role: 'clinician', moderator: true },
      { userId: guest.userId, role: 'family', moderator: false },
    ]);
    expect(await roomKind(storage.sql, room1)).toBe('family_session');
    for (const includeAll of [true, false]) expect((await listRooms(storage.sql, includeAll)).map((room) => room.kind)).toEqual(['peer_support']);
  });

  it('never sends a room event through a user channel to a family login, and reaches guests through their guest channel', async () => {
    for (const event of events.filter((e) => roomDeliveryPolicy.owns(e))) {
      for (const delivery of (await roomDeliveryPolicy.route(event, storage.sql)).deliveries) {
        const onlyRoomChannels = delivery.to.every((c) => c.startsWith('room:') && !c.endsWith(':moderators'));
        if (!onlyRoomChannels) expect(delivery.except).toContain('role:family');
      }
    }
  });
}
