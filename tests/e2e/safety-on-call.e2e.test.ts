import { randomUUID } from 'node:crypto';
import { AppProcess, freshData } from '../support/app-process';
import { closeClientsAndAppAfterEach, connect, settle, type TestClient } from '../support/sockets';
import { headPosition, STORES } from '../support/stores';
import { accepted, createRoom, httpGet, joinAll, refused } from './rooms/rooms-helpers';

/*
 * Who is on call changes while the service runs (docs/SAFETY.md, "Who is on call"): a clinician goes on call and off
 * call themselves, an admin may take anyone off; alerts reach the clinicians on call then, those of SAFETY_ON_CALL
 * included, and every clinician while nobody is on call.
 */

const CRISIS_TEXT = 'I want to end my life';
const raisedFor = (client: TestClient, alertId: string) => client.events.filter((e) => e.type === 'SafetyAlertRaised' && e.data.alertId === alertId);

describe.each(STORES)('clinicians on call on %s', (store) => {
  let app: AppProcess;
  closeClientsAndAppAfterEach(() => app);

  it('alerts reach who is on call now: every clinician while nobody is, then only those who went on call, then everyone again', async () => {
    app = await AppProcess.start(freshData(store));
    const fran = await connect(app, 'fran', 'facilitator');
    const alice = await connect(app, 'alice', 'participant');
    const kim = await connect(app, 'dr-kim', 'clinician');
    const lee = await connect(app, 'dr-lee', 'clinician');
    const ada = await connect(app, 'ada', 'admin');
    const roomId = await createRoom(fran);
    await joinAll(roomId, alice);
    const crisis = async () => {
      const ack = await alice.send('rooms.post', { commandId: randomUUID(), roomId, text: CRISIS_TEXT });
      if (!ack.ok) throw new Error(JSON.stringify(ack));
      await fran.waitForEvent((e) => e.type === 'SafetyAlertRaised' && e.data.alertId === ack.data.alertId);
      return ack.data.alertId as string;
    };

    // nobody on call: every clinician
    expect((await httpGet(app, fran, '/safety/on-call')).body.data).toEqual({ clinicians: [], everyClinician: true });
    const first = await crisis();
    await kim.waitForEvent((e) => e.data.alertId === first);
    await lee.waitForEvent((e) => e.data.alertId === first);

    // dr-kim goes on call: staff see it live; the next alert reaches her and not dr-lee
    await accepted(kim, 'safety.setOnCall', { onCall: true });
    const started = await ada.waitForEvent((e) => e.type === 'OnCallStarted');
    expect(started.data).toMatchObject({ userId: 'dr-kim', by: 'dr-kim' });
    await lee.waitForEvent((e) => e.type === 'OnCallStarted');
    expect((await httpGet(app, fran, '/safety/on-call')).body.data).toEqual({ clinicians: [{ userId: 'dr-kim', since: started.data.startedAt }], everyClinician: false });
    const second = await crisis();
    await kim.waitForEvent((e) => e.data.alertId === second);
    await settle();
    expect(raisedFor(lee, second)).toEqual([]);
    // the same again appends nothing
    expect(await accepted(kim, 'safety.setOnCall', { onCall: true })).toMatchObject({ position: null });

    // a catch-up gives alerts as the on-call list was at each: dr-lee gets the first (nobody was on call), not the second
    const leeLater = await connect(app, 'dr-lee', 'clinician', { lastPosition: 0 });
    await settle();
    expect(raisedFor(leeLater, first)).toHaveLength(1);
    expect(raisedFor(leeLater, second)).toEqual([]);

    // an admin takes her off call (she forgot, leaving for the weekend): nobody is on call, every clinician again
    await accepted(ada, 'safety.setOnCall', { onCall: false, userId: 'dr-kim' });
    const ended = await kim.waitForEvent((e) => e.type === 'OnCallEnded');
    expect(ended.data).toMatchObject({ userId: 'dr-kim', by: 'ada' });
    const third = await crisis();
    await kim.waitForEvent((e) => e.data.alertId === third);
    await lee.waitForEvent((e) => e.data.alertId === third);
  });

  it('SAFETY_ON_CALL stays on call beside those who go on call themselves', async () => {
    app = await AppProcess.start(freshData(store), { SAFETY_ON_CALL: 'dr-standing' });
    const fran = await connect(app, 'fran', 'facilitator');
    const alice = await connect(app, 'alice', 'participant');
    const standing = await connect(app, 'dr-standing', 'clinician');
    const kim = await connect(app, 'dr-kim', 'clinician');
    const lee = await connect(app, 'dr-lee', 'clinician');
    const roomId = await createRoom(fran);
    await joinAll(roomId, alice);
    await accepted(kim, 'safety.setOnCall', { onCall: true });
    const { clinicians } = (await httpGet(app, kim, '/safety/on-call')).body.data;
    expect(clinicians.map((c: { userId: string; since: string | null }) => [c.userId, c.since === null])).toEqual([['dr-standing', true], ['dr-kim', false]]);

    const ack = await alice.send('rooms.post', { commandId: randomUUID(), roomId, text: CRISIS_TEXT });
    const alertId = ack.ok && ack.data.alertId;
    await standing.waitForEvent((e) => e.data.alertId === alertId);
    await kim.waitForEvent((e) => e.data.alertId === alertId);
    await settle();
    expect(raisedFor(lee, alertId)).toEqual([]);
  });

  it('only a clinician goes on call, themselves; only they or an admin take them off; nothing refused is stored, and only staff read the list', async () => {
    app = await AppProcess.start(freshData(store));
    const kim = await connect(app, 'dr-kim', 'clinician');
    const lee = await connect(app, 'dr-lee', 'clinician');
    const ada = await connect(app, 'ada', 'admin');
    const fran = await connect(app, 'fran', 'facilitator');
    const alice = await connect(app, 'alice', 'participant');
    await accepted(kim, 'safety.setOnCall', { onCall: true });
    const head = await headPosition(app.url);
    await refused(app, lee, 'safety.setOnCall', { onCall: true, userId: 'dr-kim' }, 'SAFETY.FORBIDDEN');
    await refused(app, ada, 'safety.setOnCall', { onCall: true, userId: 'dr-lee' }, 'SAFETY.FORBIDDEN');
    await refused(app, ada, 'safety.setOnCall', { onCall: true }, 'SAFETY.FORBIDDEN');
    await refused(app, fran, 'safety.setOnCall', { onCall: true }, 'SAFETY.FORBIDDEN');
    await refused(app, lee, 'safety.setOnCall', { onCall: false, userId: 'dr-kim' }, 'SAFETY.FORBIDDEN');
    await refused(app, alice, 'safety.setOnCall', { onCall: false, userId: 'dr-kim' }, 'SAFETY.FORBIDDEN');
    await refused(app, kim, 'safety.setOnCall', { onCall: 'yes' }, 'VALIDATION.FAILED');
    await refused(app, kim, 'safety.setOnCall', { onCall: true, userId: '' }, 'VALIDATION.FAILED');
    expect(await headPosition(app.url)).toBe(head);

    expect(await httpGet(app, alice, '/safety/on-call')).toMatchObject({ status: 403, body: { ok: false, error: { code: 'SAFETY.FORBIDDEN' } } });
    await settle();
    // participants and facilitators do not learn who is on call live either
    for (const outsider of [alice, fran]) expect(outsider.events.filter((e) => e.type.startsWith('OnCall'))).toEqual([]);
  });
});
