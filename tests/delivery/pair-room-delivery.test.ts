import { randomUUID } from 'node:crypto';
import { SYSTEM_ACTOR, type Actor, type Role } from '@haven/domain';
import type { RecordedEvent, Storage } from '@haven/event-store';
import { projectEvent } from '@haven/projections';
import { roomDeliveryPolicy } from '@haven/rooms/delivery/room-delivery.policy';
import { pairRoomIdOf } from '@haven/rooms/domain/linked-room-ids';
import { roomStreamName } from '@haven/rooms/domain/room.events';
import { listRooms, roomKind } from '@haven/rooms/read-models/room-directory.projection';
import { roomRoster } from '@haven/rooms/read-models/room-membership.projection';
import { allReadModels } from '../../apps/api/src/read-models';
import { describeOnBothStores } from '../support/storage-suites';
import { receivedLive, recording, seen, send, withReadModels, type Seen } from './delivery-harness';

/**
 * A mentor pair's room through the real decider, command handler, projections and delivery policy: who gets each
 * event live (the policy's routes, over the channels each user's sockets are in at that position) must be exactly who
 * gets it on catch-up (visibleTo). Nobody facilitates a pair, so what moderators get goes to clinicians and admins there.
 */
const who = (userId: string, role: Role): Actor => ({ userId, role });
const alice = who('alice', 'participant');
const mentor = who('mentor-1', 'mentor');
const drKim = who('dr-kim', 'clinician'); // acts in the pair room
const drLee = who('dr-lee', 'clinician'); // only oversees
const admin = who('admin-1', 'admin'); // oversees too: admins may moderate any room
const fran = who('fran', 'facilitator');
const bob = who('bob', 'participant');
const carol = who('carol', 'participant');
const aliceFamily = who('alice', 'family'); // a relative's login under alice's id
const viewers = { alice, mentor, drKim, drLee, admin, fran, bob, carol, aliceFamily };

const pairRoom = pairRoomIdOf('pairing-1');

/** A pair room's life and, beside it, a group room's, so that clinicians' oversight is seen to stop at pair rooms. */
async function roomLives(storage: Storage): Promise<RecordedEvent[]> {
  await send(storage, pairRoom, SYSTEM_ACTOR, 'OpenPairRoom', { pairingId: 'pairing-1', participantId: 'alice', mentorId: 'mentor-1' });
  await send(storage, pairRoom, alice, 'PostMessage', { messageId: 'p1', text: 'rough week' });
  await send(storage, pairRoom, mentor, 'PostMessage', { messageId: 'p2', text: 'tell me more', replyTo: 'p1' });
  await send(storage, pairRoom, alice, 'ReportMessage', { reportId: 'r1', messageId: 'p2', reason: 'pushy' });
  await send(storage, pairRoom, drKim, 'MuteMember', { userId: 'mentor-1', durationSeconds: 600, reason: 'pause' });
  await send(storage, pairRoom, drKim, 'ResolveReport', { reportId: 'r1', outcome: 'member_muted', note: 'talked to them' });
  await send(storage, pairRoom, alice, 'MarkRead', { position: 3 });

  const groupRoom = randomUUID();
  await send(storage, groupRoom, fran, 'CreateRoom', { name: 'Evening', topic: '', kind: 'peer_support', capacity: 10, joinRule: 'open' });
  await send(storage, groupRoom, bob, 'JoinRoom', {});
  await send(storage, groupRoom, carol, 'JoinRoom', {});
  await send(storage, groupRoom, bob, 'PostMessage', { messageId: 'g1', text: 'hello' });
  await send(storage, groupRoom, carol, 'ReportMessage', { reportId: 'r1', messageId: 'g1', reason: 'rude' });
  await send(storage, groupRoom, fran, 'MuteMember', { userId: 'bob', durationSeconds: 600, reason: 'pause' });

  await send(storage, pairRoom, SYSTEM_ACTOR, 'ClosePairRoom', {});
  const events = await storage.events.readAll({ after: 0, limit: 1000 });
  // as the log follower: every read model is at (or past) an event before it is routed
  for (const event of events) await projectEvent(storage.sql, allReadModels, event);
  return events;
}

describeOnBothStores("a mentor pair's room, live and on catch-up", (open) => {
  // nested, so that the store closes before the suite removes its files
  describe('through the real decider, projections and delivery policy', () => pairRoomSuite(open));
});

function pairRoomSuite(open: () => Promise<Storage>) {
  let storage: Storage;
  let events: RecordedEvent[];
  beforeAll(async () => {
    storage = await withReadModels(await open());
    events = await roomLives(storage);
  });
  afterAll(() => storage.close());
  /** the types of the events of one room in what a viewer saw */
  const typesIn = (list: Seen[], roomId: string) =>
    list.filter((e) => events.some((event) => event.position === e.position && event.streamId === roomStreamName(roomId))).map((e) => e.type);

  it.each(Object.entries(viewers))('gives %s the same events live as on catch-up', async (_name, viewer) => {
    const live = await receivedLive(viewer, events, storage.sql, [roomDeliveryPolicy]);
    const caughtUp = (await roomDeliveryPolicy.visibleTo(viewer, events, storage.sql)).map(seen);
    expect(live).toEqual(caughtUp);
  });

  it('shows the pair their conversation, the reporter her report, the muted mentor his mute, and its close', async () => {
    const visible = async (viewer: Actor) => typesIn((await roomDeliveryPolicy.visibleTo(viewer, events, storage.sql)).map(seen), pairRoom);
    expect(await visible(alice)).toEqual(['PairRoomOpened', 'MessagePosted', 'MessagePosted', 'MessageReported', 'ReportResolved', 'ReadMarked', 'RoomArchived']);
    // the reported author never learns of the report, nor its resolution
    expect(await visible(mentor)).toEqual(['PairRoomOpened', 'MessagePosted', 'MessagePosted', 'MemberMuted', 'ReadMarked', 'RoomArchived']);
  });

  it("sends clinicians and admins what a room's moderators would get, not the pair's messages; nobody else outside sees anything", async () => {
    const visible = async (viewer: Actor) => typesIn((await roomDeliveryPolicy.visibleTo(viewer, events, storage.sql)).map(seen), pairRoom);
    for (const overseer of [drLee, drKim, admin]) expect(await visible(overseer)).toEqual(['MessageReported', 'MemberMuted', 'ReportResolved']);
    for (const outsider of [fran, bob, carol, aliceFamily]) expect(await visible(outsider)).toEqual([]);
    const reported = events.find((e) => e.streamId === roomStreamName(pairRoom) && e.type === 'MessageReported')!;
    const { deliveries } = await roomDeliveryPolicy.route(reported, storage.sql);
    // (the other delivery goes to the reporter's guest channel, empty outside a family session's room)
    expect(deliveries).toEqual(expect.arrayContaining([
      expect.objectContaining({ to: expect.arrayContaining(['role:clinician', 'role:admin']), except: expect.arrayContaining(['user:mentor-1', 'role:family']) }),
    ]));
  });

  it("leaves a group room's moderator events to its moderators, but for its reports, which every clinician and admin gets", async () => {
    const groupRoom = events.find((e) => e.type === 'RoomCreated')!.streamId.slice('room-'.length);
    const visible = async (viewer: Actor) => typesIn((await roomDeliveryPolicy.visibleTo(viewer, events, storage.sql)).map(seen), groupRoom);
    expect(await visible(drLee)).toEqual(['MessageReported']);
    expect(await visible(admin)).toEqual(['MessageReported']);
    expect(await visible(fran)).toEqual(['RoomCreated', 'MemberJoined', 'MemberJoined', 'MessagePosted', 'MessageReported', 'MemberMuted']);
  });

  it("reads a room's kind once per room and database (a kind never changes), and not on catch-up", async () => {
    const lookups: string[] = [];
    const db = recording(storage.sql, lookups);
    for (const event of events) await roomDeliveryPolicy.route(event, db);
    const rooms = new Set(events.map((event) => event.streamId));
    expect(lookups.filter((sql) => sql.includes('room_directory'))).toHaveLength(rooms.size);
    const statements: string[] = [];
    await roomDeliveryPolicy.visibleTo(alice, events, recording(storage.sql, statements));
    expect(statements.filter((sql) => sql.includes('room_directory'))).toEqual([]);
  });

  it('seats the pair in the room as plain members, lists it nowhere, and knows its kind', async () => {
    expect((await roomRoster(storage.sql, pairRoom)).map(({ userId, role, moderator }) => ({ userId, role, moderator }))).toEqual([
      { userId: 'alice', role: 'participant', moderator: false },
      { userId: 'mentor-1', role: 'mentor', moderator: false },
    ]);
    expect(await roomKind(storage.sql, pairRoom)).toBe('mentor_pair');
    expect(await roomKind(storage.sql, randomUUID())).toBeNull();
    for (const includeAll of [true, false]) {
      expect((await listRooms(storage.sql, includeAll)).map((room) => room.kind)).toEqual(['peer_support']);
    }
  });
}
