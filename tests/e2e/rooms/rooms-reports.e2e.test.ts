import type { AppProcess } from '../../support/app-process';
import { connect, settle } from '../../support/sockets';
import { headPosition, STORES } from '../../support/stores';
import { accepted, createRoom, joinAll, oneAppPerFile, post, refused, roomEvents, waitInRoom } from './rooms-helpers';

describe.each(STORES)('message reports on %s', (store) => {
  let app: AppProcess;
  oneAppPerFile(store, (started) => (app = started));

  /** fran's fresh room with alice (who posts), bob (who reports) and carol (a bystander) */
  async function roomWithAMessage() {
    const fran = await connect(app, 'fran', 'facilitator');
    const alice = await connect(app, 'alice', 'participant');
    const bob = await connect(app, 'bob', 'participant');
    const carol = await connect(app, 'carol', 'participant');
    const roomId = await createRoom(fran);
    await joinAll(roomId, alice, bob, carol);
    const { messageId } = await post(alice, roomId, 'you are all weak for needing this group');
    return { fran, alice, bob, carol, roomId, messageId };
  }

  it('a report reaches the facilitators live, never the reported author or other members', async () => {
    const { fran, alice, bob, carol, roomId, messageId } = await roomWithAMessage();
    const reason = 'belittling people in recovery';
    const headBeforeReport = await headPosition(app.url);

    const { reportId } = await accepted<{ reportId: string }>(bob, 'rooms.report', { roomId, messageId, reason });
    const reported = await waitInRoom(fran, roomId, 'MessageReported');
    expect(reported).toMatchObject({
      actorId: 'bob',
      data: { reportId, messageId, authorId: 'alice', reporterId: 'bob', reason },
    });
    // the reporter sees their report was filed
    await waitInRoom(bob, roomId, 'MessageReported', (e) => e.data.reportId === reportId);

    await settle();
    expect(roomEvents(alice, roomId, 'MessageReported')).toEqual([]);
    expect(roomEvents(carol, roomId, 'MessageReported')).toEqual([]);
    expect(JSON.stringify(alice.events)).not.toContain(reason);
    // nor on catch-up
    const aliceTablet = await connect(app, 'alice', 'participant', { lastPosition: headBeforeReport });
    await settle();
    expect(roomEvents(aliceTablet, roomId)).toEqual([]);

    // the same reporter cannot pile on while their report is open
    const again = await refused(app, bob, 'rooms.report', { roomId, messageId, reason: 'again' }, 'ROOM.ALREADY_REPORTED');
    expect(again.details).toMatchObject({ reportId });
  });

  it('resolving a report tells the reporter the outcome; the author is not told who reported them', async () => {
    const { fran, alice, bob, carol, roomId, messageId } = await roomWithAMessage();
    const { reportId } = await accepted<{ reportId: string }>(bob, 'rooms.report', { roomId, messageId, reason: 'hurtful' });

    await refused(app, bob, 'rooms.resolveReport', { roomId, reportId, outcome: 'no_action' }, 'ROOM.FORBIDDEN');
    await refused(app, alice, 'rooms.resolveReport', { roomId, reportId, outcome: 'no_action' }, 'ROOM.FORBIDDEN');

    await accepted(fran, 'rooms.resolveReport', { roomId, reportId, outcome: 'member_warned', note: 'we talked with them after group' });
    const resolved = await waitInRoom(bob, roomId, 'ReportResolved');
    expect(resolved).toMatchObject({
      actorId: 'fran',
      data: { reportId, messageId, reporterId: 'bob', outcome: 'member_warned', note: 'we talked with them after group', by: 'fran' },
    });
    await waitInRoom(fran, roomId, 'ReportResolved');

    await settle();
    expect(roomEvents(alice, roomId).filter((e) => e.type === 'MessageReported' || e.type === 'ReportResolved')).toEqual([]);
    expect(roomEvents(carol, roomId, 'ReportResolved')).toEqual([]);

    await refused(app, fran, 'rooms.resolveReport', { roomId, reportId, outcome: 'no_action' }, 'ROOM.REPORT_ALREADY_RESOLVED');
    // with the first report closed, bob may report the message again
    await accepted(bob, 'rooms.report', { roomId, messageId, reason: 'still there and still hurtful' });
  });

  it("every clinician and admin gets each room's reports and resolutions, live and on catch-up, member or not; none of its other moderator events", async () => {
    const drKim = await connect(app, 'dr-kim', 'clinician');
    const ada = await connect(app, 'ada', 'admin');
    const headBefore = await headPosition(app.url);
    const { fran, bob, roomId, messageId } = await roomWithAMessage();
    const { reportId } = await accepted<{ reportId: string }>(bob, 'rooms.report', { roomId, messageId, reason: 'mocking people in recovery' });
    expect(await waitInRoom(drKim, roomId, 'MessageReported')).toMatchObject({ data: { reportId, reason: 'mocking people in recovery', reporterId: 'bob' } });
    await accepted(fran, 'rooms.mute', { roomId, userId: 'alice', durationSeconds: 600, reason: 'time to cool off' });
    await accepted(fran, 'rooms.resolveReport', { roomId, reportId, outcome: 'member_muted' });
    await waitInRoom(drKim, roomId, 'ReportResolved');
    await waitInRoom(ada, roomId, 'ReportResolved');

    // a clinician whose own message is reported is not told who reported it, moderator of the room or not
    const drMae = await connect(app, 'dr-mae', 'clinician');
    await joinAll(roomId, drMae);
    const { messageId: maesMessage } = await post(drMae, roomId, 'you will all relapse anyway');
    await accepted(bob, 'rooms.report', { roomId, messageId: maesMessage, reason: 'a clinician said that' });
    await waitInRoom(drKim, roomId, 'MessageReported', (e) => e.data.messageId === maesMessage);
    await waitInRoom(fran, roomId, 'MessageReported', (e) => e.data.messageId === maesMessage);

    await settle();
    const reportsOnly = ['MessageReported', 'ReportResolved', 'MessageReported'];
    expect(roomEvents(drKim, roomId).map((e) => e.type)).toEqual(reportsOnly);
    expect(roomEvents(ada, roomId).map((e) => e.type)).toEqual(reportsOnly);
    expect(roomEvents(drMae, roomId, 'MessageReported')).toEqual([]);
    const kimsTablet = await connect(app, 'dr-kim', 'clinician', { lastPosition: headBefore });
    expect(roomEvents(kimsTablet, roomId).map((e) => e.type)).toEqual(reportsOnly);
    const adasTablet = await connect(app, 'ada', 'admin', { lastPosition: headBefore });
    expect(roomEvents(adasTablet, roomId).map((e) => e.type)).toEqual(reportsOnly);
    const maesTablet = await connect(app, 'dr-mae', 'clinician', { lastPosition: headBefore });
    expect(roomEvents(maesTablet, roomId, 'MessageReported').map((e) => e.data.messageId)).toEqual([messageId]);
  });

  it('nobody can report their own message (ROOM.CANNOT_REPORT_OWN_MESSAGE)', async () => {
    const { fran, alice, roomId, messageId } = await roomWithAMessage();
    const error = await refused(app, alice, 'rooms.report', { roomId, messageId, reason: 'reporting myself' }, 'ROOM.CANNOT_REPORT_OWN_MESSAGE');
    expect(error.details).toMatchObject({ messageId });
    await settle();
    expect(roomEvents(fran, roomId, 'MessageReported')).toEqual([]);
  });

  it('a muted member can still report: asking for help is never blocked', async () => {
    const { fran, bob, roomId, messageId } = await roomWithAMessage();
    await accepted(fran, 'rooms.mute', { roomId, userId: 'bob', durationSeconds: 300, reason: 'off-topic' });
    await refused(app, bob, 'rooms.post', { roomId, text: 'but look at that message' }, 'ROOM.MUTED');

    await accepted(bob, 'rooms.report', { roomId, messageId, reason: 'this is hurting people' });
    expect((await waitInRoom(fran, roomId, 'MessageReported')).data).toMatchObject({ reporterId: 'bob', messageId });
  });
});
