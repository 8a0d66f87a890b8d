import type { AppProcess } from '../../support/app-process';
import { connect, settle, type TestClient } from '../../support/sockets';
import { headPosition, STORES } from '../../support/stores';
import {
  accepted,
  createRoom,
  history,
  httpGet,
  joinAll,
  oneAppPerFile,
  post,
  refused,
  roomEvents,
  roomWithAliceAndBob,
  waitInRoom,
} from './rooms-helpers';

// Every refusal goes through `refused`, which also checks that the log head did not move.
describe.each(STORES)('room moderation on %s', (store) => {
  let app: AppProcess;
  oneAppPerFile(store, (started) => (app = started));

  /** everything a client received, as text, to look for words that must not reach it */
  const everythingSeenBy = (client: TestClient) => JSON.stringify(client.events);

  it('a clinician who moderates a room without being in it sees the events they caused, live and on catch-up, and no others', async () => {
    const { alice, bob, roomId } = await roomWithAliceAndBob(app);
    const drKim = await connect(app, 'dr-kim', 'clinician');
    const headBefore = await headPosition(app.url);
    const reason = 'pressuring another member about their medication';
    await accepted(drKim, 'rooms.mute', { roomId, userId: 'bob', durationSeconds: 300, reason });
    expect(await waitInRoom(drKim, roomId, 'MemberMuted')).toMatchObject({ actorId: 'dr-kim', data: { userId: 'bob', reason } });
    await waitInRoom(bob, roomId, 'MemberMuted');
    await post(alice, roomId, 'thanks for stepping in');
    await settle();
    // not a member: the room's conversation does not reach them
    expect(roomEvents(drKim, roomId, 'MessagePosted')).toEqual([]);

    const drKimLaptop = await connect(app, 'dr-kim', 'clinician', { lastPosition: headBefore });
    await settle();
    expect(roomEvents(drKimLaptop, roomId).map((e) => e.type)).toEqual(['MemberMuted']);
  });

  it('a muted member learns why and until when, cannot post or react, others never see the reason; unmute lifts it', async () => {
    const { fran, alice, bob, roomId } = await roomWithAliceAndBob(app);
    const { messageId } = await post(bob, roomId, 'anyone up for a walk after group?');
    const reason = 'personal attacks on another member';

    const before = Date.now();
    const headBeforeMute = await headPosition(app.url);
    await accepted(fran, 'rooms.mute', { roomId, userId: 'alice', durationSeconds: 600, reason });
    const muted = await waitInRoom(alice, roomId, 'MemberMuted');
    expect(muted).toMatchObject({ actorId: 'fran', data: { userId: 'alice', reason, by: 'fran', mutedUntil: expect.any(String) } });
    const mutedUntil = Date.parse(muted.data.mutedUntil);
    expect(mutedUntil).toBeGreaterThan(before + 590_000);
    expect(mutedUntil).toBeLessThan(Date.now() + 610_000);

    const error = await refused(app, alice, 'rooms.post', { roomId, text: 'you cannot silence me' }, 'ROOM.MUTED');
    expect(Date.parse(error.details.mutedUntil)).toBe(mutedUntil);
    await refused(app, alice, 'rooms.react', { roomId, messageId, emoji: '👎' }, 'ROOM.MUTED');

    await settle();
    expect(everythingSeenBy(bob)).not.toContain(reason);
    expect(roomEvents(bob, roomId, 'MemberMuted')).toEqual([]);
    expect(roomEvents(bob, roomId, 'MessagePosted').map((e) => e.data.text)).toEqual(['anyone up for a walk after group?']);
    // nor on catch-up: bob's other device, resuming from before the mute
    const bobTablet = await connect(app, 'bob', 'participant', { lastPosition: headBeforeMute });
    await settle();
    expect(everythingSeenBy(bobTablet)).not.toContain(reason);

    await accepted(fran, 'rooms.unmute', { roomId, userId: 'alice' });
    expect((await waitInRoom(alice, roomId, 'MemberUnmuted')).data).toMatchObject({ userId: 'alice', reason: 'lifted', by: 'fran' });
    await post(alice, roomId, 'sorry, I was out of line');
    await waitInRoom(bob, roomId, 'MessagePosted', (e) => e.data.text === 'sorry, I was out of line');
    await accepted(alice, 'rooms.react', { roomId, messageId, emoji: '👍' });
    // unmuting someone who is not muted is refused
    await refused(app, fran, 'rooms.unmute', { roomId, userId: 'alice' }, 'ROOM.NOT_MUTED');
  });

  it("a warned member is told why and about which message, privately; they go on posting; it is in the room's moderation log", async () => {
    const { fran, alice, bob, roomId } = await roomWithAliceAndBob(app);
    const { messageId } = await post(alice, roomId, 'here is exactly how much I took');
    const headBefore = await headPosition(app.url);
    const reason = 'please keep amounts and methods out of the group; talk to me after';
    await accepted(fran, 'rooms.warn', { roomId, userId: 'alice', reason, messageId });
    expect(await waitInRoom(alice, roomId, 'MemberWarned')).toMatchObject({ actorId: 'fran', data: { userId: 'alice', reason, messageId, by: 'fran' } });
    await waitInRoom(fran, roomId, 'MemberWarned');
    await post(alice, roomId, 'ok, sorry');
    await waitInRoom(bob, roomId, 'MessagePosted', (e) => e.data.text === 'ok, sorry');
    expect(everythingSeenBy(bob)).not.toContain(reason);
    // on catch-up alike: alice's tablet gets it, bob's does not
    const aliceTablet = await connect(app, 'alice', 'participant', { lastPosition: headBefore });
    const bobTablet = await connect(app, 'bob', 'participant', { lastPosition: headBefore });
    await settle();
    expect(roomEvents(aliceTablet, roomId, 'MemberWarned').map((e) => e.data.reason)).toEqual([reason]);
    expect(everythingSeenBy(bobTablet)).not.toContain(reason);
    const log = await httpGet(app, fran, `/rooms/${roomId}/moderation-log`);
    expect(log.body.data).toContainEqual(expect.objectContaining({ action: 'MemberWarned', actorId: 'fran', targetUserId: 'alice', messageId, reason }));
    await refused(app, fran, 'rooms.warn', { roomId, userId: 'carol', reason }, 'ROOM.TARGET_NOT_A_MEMBER');
    await refused(app, fran, 'rooms.warn', { roomId, userId: 'alice', reason: '   ' }, 'ROOM.REASON_REQUIRED');
  });

  it('a removed member learns why on every socket and stops receiving the room at once; others see a plain leave; they may rejoin', async () => {
    const { fran, bob, roomId } = await roomWithAliceAndBob(app);
    const alicePhone = await connect(app, 'alice', 'participant');
    const aliceLaptop = await connect(app, 'alice', 'participant');
    const reason = 'sharing another member’s story outside the group';

    await accepted(fran, 'rooms.remove', { roomId, userId: 'alice', reason });
    for (const socket of [alicePhone, aliceLaptop]) {
      const removed = await waitInRoom(socket, roomId, 'MemberRemoved');
      expect(removed.data).toMatchObject({ userId: 'alice', reason, by: 'fran' });
    }
    const left = await waitInRoom(bob, roomId, 'MemberLeft');
    expect(left.data).toEqual({ userId: 'alice', leftAt: expect.any(String) });
    expect((await waitInRoom(fran, roomId, 'MemberRemoved')).data).toMatchObject({ userId: 'alice', reason });

    await post(bob, roomId, 'said after alice was removed');
    await post(fran, roomId, 'let us take a breath');
    await settle();
    for (const socket of [alicePhone, aliceLaptop]) {
      expect(roomEvents(socket, roomId).map((e) => e.type)).toEqual(['MemberRemoved']);
    }
    expect(roomEvents(bob, roomId, 'MemberRemoved')).toEqual([]);
    expect(everythingSeenBy(bob)).not.toContain(reason);
    await refused(app, alicePhone, 'rooms.post', { roomId, text: 'hello?' }, 'ROOM.NOT_A_MEMBER');

    // removal is not a ban: alice may come back, and both her sockets follow the room again
    await accepted(alicePhone, 'rooms.join', { roomId });
    await post(bob, roomId, 'welcome back alice');
    for (const socket of [alicePhone, aliceLaptop]) {
      await waitInRoom(socket, roomId, 'MessagePosted', (e) => e.data.text === 'welcome back alice');
    }
  });

  it('a removed member who reconnects later catches up on their removal but not on what was said after it', async () => {
    const { fran, alice, bob, roomId } = await roomWithAliceAndBob(app);
    const { position: lastSeen } = await post(bob, roomId, 'before');
    await waitInRoom(alice, roomId, 'MessagePosted', (e) => e.data.text === 'before');
    alice.close();

    await accepted(fran, 'rooms.remove', { roomId, userId: 'alice', reason: 'repeated threats' });
    await post(bob, roomId, 'after the removal');
    const aliceAgain = await connect(app, 'alice', 'participant', { lastPosition: lastSeen });
    await settle();
    expect(roomEvents(aliceAgain, roomId).map((e) => e.type)).toEqual(['MemberRemoved']);
    expect(roomEvents(aliceAgain, roomId)[0].data).toMatchObject({ reason: 'repeated threats' });
  });

  it('a banned member cannot rejoin (ROOM.BANNED) until unbanned; others see only a plain leave', async () => {
    const { fran, alice, bob, roomId } = await roomWithAliceAndBob(app);
    const reason = 'selling medication to other members';
    const headBeforeBan = await headPosition(app.url);

    await accepted(fran, 'rooms.ban', { roomId, userId: 'alice', reason });
    expect((await waitInRoom(alice, roomId, 'MemberBanned')).data).toMatchObject({ userId: 'alice', reason, by: 'fran', wasMember: true });
    expect((await waitInRoom(bob, roomId, 'MemberLeft')).data).toEqual({ userId: 'alice', leftAt: expect.any(String) });

    await refused(app, alice, 'rooms.join', { roomId }, 'ROOM.BANNED');
    await refused(app, fran, 'rooms.ban', { roomId, userId: 'alice', reason: 'again' }, 'ROOM.ALREADY_BANNED');
    await post(bob, roomId, 'said while alice is banned');
    await settle();
    expect(roomEvents(alice, roomId, 'MessagePosted')).toEqual([]);
    expect(everythingSeenBy(bob)).not.toContain(reason);
    // catching up later, bob still sees only a plain leave
    const bobTablet = await connect(app, 'bob', 'participant', { lastPosition: headBeforeBan });
    await settle();
    expect(roomEvents(bobTablet, roomId).map((e) => e.type)).toEqual(['MemberLeft', 'MessagePosted']);
    expect(everythingSeenBy(bobTablet)).not.toContain(reason);

    await accepted(fran, 'rooms.unban', { roomId, userId: 'alice' });
    expect((await waitInRoom(alice, roomId, 'MemberUnbanned')).data).toMatchObject({ userId: 'alice', by: 'fran' });
    await accepted(alice, 'rooms.join', { roomId });
    await waitInRoom(bob, roomId, 'MemberJoined', (e) => e.data.userId === 'alice');
  });

  it('a redaction hides the message from members without its reason; the facilitator still reviews the original', async () => {
    const { fran, alice, bob, roomId } = await roomWithAliceAndBob(app);
    const headBeforePost = await headPosition(app.url);
    const { messageId } = await post(alice, roomId, 'here is where you can buy pills cheap', { contentWarning: 'substances' });
    await post(bob, roomId, 'please do not');
    const reason = 'drug sourcing';

    await accepted(fran, 'rooms.redact', { roomId, messageId, reason });
    const placeholder = await waitInRoom(bob, roomId, 'MessageRedacted');
    expect(placeholder.data).toEqual({ messageId, redactedAt: expect.any(String) });
    // the author is told why; the facilitator sees the full event
    expect((await waitInRoom(alice, roomId, 'MessageRedacted')).data).toMatchObject({ messageId, reason });
    expect((await waitInRoom(fran, roomId, 'MessageRedacted')).data).toMatchObject({ messageId, reason, by: 'fran' });
    await settle();
    expect(everythingSeenBy(bob)).not.toContain(reason);

    const forBob = await history(app, bob, roomId);
    expect(forBob[0]).toMatchObject({ messageId, text: null, contentWarning: null, redacted: true });
    expect(forBob[0]).not.toHaveProperty('redaction');
    expect(forBob[1]).toMatchObject({ text: 'please do not', redacted: false });
    const forFran = await history(app, fran, roomId);
    expect(forFran[0]).toMatchObject({
      messageId,
      text: 'here is where you can buy pills cheap',
      redacted: true,
      redaction: { reason, by: 'fran' },
    });

    // a member catching up after the redaction never receives the original text or the reason
    const bobTablet = await connect(app, 'bob', 'participant', { lastPosition: headBeforePost });
    await settle();
    const caughtUp = roomEvents(bobTablet, roomId);
    expect(caughtUp.map((e) => e.type)).toEqual(['MessagePosted', 'MessagePosted', 'MessageRedacted']);
    expect(caughtUp[0].data).toMatchObject({ messageId, text: null, contentWarning: null });
    expect(caughtUp[2].data).toEqual({ messageId, redactedAt: expect.any(String) });
    expect(everythingSeenBy(bobTablet)).not.toContain('pills');
    expect(everythingSeenBy(bobTablet)).not.toContain(reason);

    await refused(app, bob, 'rooms.react', { roomId, messageId, emoji: '😮' }, 'ROOM.MESSAGE_REDACTED');
    await refused(app, alice, 'rooms.edit', { roomId, messageId, text: 'edited to get it back' }, 'ROOM.MESSAGE_REDACTED');
  });

  it('slow mode refuses a second post within the interval with ROOM.SLOW_MODE and retryAfterMs; the facilitator is exempt', async () => {
    const { fran, alice, bob, roomId } = await roomWithAliceAndBob(app);
    await accepted(fran, 'rooms.setSlowMode', { roomId, intervalSeconds: 60 });
    expect((await waitInRoom(alice, roomId, 'SlowModeSet')).data).toMatchObject({ intervalSeconds: 60, by: 'fran' });

    await post(alice, roomId, 'first thought');
    const error = await refused(app, alice, 'rooms.post', { roomId, text: 'second thought right away' }, 'ROOM.SLOW_MODE');
    expect(error.details.retryAfterMs).toBeGreaterThan(0);
    expect(error.details.retryAfterMs).toBeLessThanOrEqual(60_000);
    expect(error.details.intervalSeconds).toBe(60);
    // slow mode is per member: bob still has his turn
    await post(bob, roomId, 'my turn');

    await post(fran, roomId, 'facilitator note one');
    await post(fran, roomId, 'facilitator note two');
    await waitInRoom(alice, roomId, 'MessagePosted', (e) => e.data.text === 'facilitator note two');

    await accepted(fran, 'rooms.setSlowMode', { roomId, intervalSeconds: 0 });
    await post(alice, roomId, 'second thought, now allowed');
  });

  it('a locked room refuses members’ posts with ROOM.LOCKED while the facilitator keeps talking; unlock reopens it', async () => {
    const { fran, alice, bob, roomId } = await roomWithAliceAndBob(app);
    await accepted(fran, 'rooms.lock', { roomId, reason: 'things are getting heated' });
    expect((await waitInRoom(alice, roomId, 'RoomLocked')).data).toMatchObject({ reason: 'things are getting heated', by: 'fran' });

    await refused(app, alice, 'rooms.post', { roomId, text: 'but I was not done' }, 'ROOM.LOCKED');
    await refused(app, bob, 'rooms.post', { roomId, text: 'me neither' }, 'ROOM.LOCKED');
    await post(fran, roomId, 'let us pause for five minutes');
    await waitInRoom(alice, roomId, 'MessagePosted', (e) => e.data.text === 'let us pause for five minutes');

    await accepted(fran, 'rooms.unlock', { roomId });
    await waitInRoom(bob, roomId, 'RoomUnlocked');
    await post(alice, roomId, 'thank you, I feel calmer');
    await waitInRoom(bob, roomId, 'MessagePosted', (e) => e.data.text === 'thank you, I feel calmer');
  });

  it('a participant attempting any moderation is refused with ROOM.FORBIDDEN and nothing is stored', async () => {
    const { fran, alice, bob, roomId } = await roomWithAliceAndBob(app);
    const { messageId } = await post(alice, roomId, 'a perfectly fine message');
    const attempts: [string, Record<string, unknown>][] = [
      ['rooms.mute', { roomId, userId: 'alice', durationSeconds: 600, reason: 'I do not like her' }],
      ['rooms.unmute', { roomId, userId: 'alice' }],
      ['rooms.warn', { roomId, userId: 'alice', reason: 'watch it' }],
      ['rooms.remove', { roomId, userId: 'alice', reason: 'go away' }],
      ['rooms.ban', { roomId, userId: 'alice', reason: 'go away for good' }],
      ['rooms.unban', { roomId, userId: 'alice' }],
      ['rooms.redact', { roomId, messageId, reason: 'hide it' }],
      ['rooms.setSlowMode', { roomId, intervalSeconds: 600 }],
      ['rooms.lock', { roomId }],
      ['rooms.unlock', { roomId }],
      ['rooms.rename', { roomId, name: 'bob’s room' }],
      ['rooms.changeTopic', { roomId, topic: 'whatever bob wants' }],
      ['rooms.changeJoinRule', { roomId, joinRule: 'closed' }],
      ['rooms.invite', { roomId, userId: 'mallory' }],
      ['rooms.appointFacilitator', { roomId, userId: 'bob' }],
      ['rooms.archive', { roomId }],
    ];
    for (const [message, payload] of attempts) {
      await refused(app, bob, message, payload, 'ROOM.FORBIDDEN');
    }
    // and the facilitator cannot be moderated by a participant either
    await refused(app, bob, 'rooms.mute', { roomId, userId: 'fran', durationSeconds: 600, reason: 'revenge' }, 'ROOM.FORBIDDEN');

    await settle();
    const changes = new Set([
      'MemberMuted',
      'MemberRemoved',
      'MemberBanned',
      'MemberLeft',
      'MessageRedacted',
      'RoomLocked',
      'SlowModeSet',
      'RoomRenamed',
      'RoomArchived',
    ]);
    for (const member of [alice, fran]) expect(roomEvents(member, roomId).filter((e) => changes.has(e.type))).toEqual([]);
    // the room is untouched: alice still posts
    await post(alice, roomId, 'still here, still fine');
  });
});
