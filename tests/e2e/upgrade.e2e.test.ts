import { canonicalJson } from '@haven/domain';
import { AppProcess, type AppData } from '../support/app-process';
import { closeAllClients, connect } from '../support/sockets';
import { caughtUp } from '../support/stores';
import { builtFromTheLog, dropDeployment, fixtures, restore, runToTheHead, type Fixture } from '../upgrade/upgrade-fixtures';
import { accepted, httpGet } from './rooms/rooms-helpers';

/**
 * A clinic upgrades Haven on the database an earlier version left (tests/upgrade/README.md): each fixture is such a
 * database, made by an earlier commit's build playing the upgrade scenario. This version must start on it, bring every
 * read model to what it would build from the log alone, read what people wrote (sealed under their keys), and let
 * people carry on where they were.
 */
const FIXTURES = fixtures().filter((f) => f.store === 'sqlite' || process.env.HAVEN_TEST_POSTGRES !== 'down');

/** A dumped row with every JSON text in it written in one key order. */
const sameKeyOrder = (row: unknown): unknown =>
  JSON.stringify(
    Object.fromEntries(
      Object.entries(JSON.parse(row as string) as Record<string, unknown>).map(([column, value]) => {
        if (typeof value !== 'string' || !/^[[{]/.test(value)) return [column, value];
        try {
          return [column, canonicalJson(JSON.parse(value))];
        } catch {
          return [column, value];
        }
      }),
    ),
  );

describe('upgrade fixtures', () => {
  it('are there, one per store at least', () => {
    expect(new Set(fixtures().map((f) => f.store))).toEqual(new Set(['sqlite', 'postgres']));
  });
});

describe.each(FIXTURES.map((f): [string, Fixture] => [f.name, f]))('upgrading from %s', (_name, fixture) => {
  let app: AppProcess | undefined;
  const deployments: AppData[] = [];
  const deployment = async (made: Promise<AppData>) => {
    const data = await made;
    deployments.push(data);
    return data;
  };
  afterEach(async () => {
    closeAllClients();
    await app?.stop();
    app = undefined;
  });
  afterAll(async () => {
    for (const data of deployments) await dropDeployment(data);
  });

  it('starts on the old database, and every read model ends as it would be built from the log alone', async () => {
    const upgraded = await deployment(restore(fixture.store, fixture.path));
    // an upgrade appends nothing by itself: every deadline of the fixture fell due before it was kept
    expect(await runToTheHead(upgraded)).toBe(fixture.head);
    const { tables, readModels, was, built } = await builtFromTheLog(upgraded, (copy) => deployments.push(copy));
    // no table of an earlier read model left behind (a read model that changes its shape takes a new name and drops
    // the old table), none missing
    expect(tables.was).toEqual(tables.built);
    expect(readModels.length).toBeGreaterThan(30);
    // rows an earlier version wrote may hold JSON with its keys in another order: the same information
    for (const table of readModels) expect({ table, rows: was[table].map(sameKeyOrder).sort() }).toEqual({ table, rows: built[table].map(sameKeyOrder).sort() });
  });

  it('people carry on where they were: catch-up, history with their words opened, rooms, pairings, sessions, new commands on old streams', async () => {
    app = await AppProcess.start(await deployment(restore(fixture.store, fixture.path)));
    await caughtUp(app.url, 30_000);
    const [fran, alice, bob, mo, drKim] = await Promise.all([
      connect(app, 'fran', 'facilitator', { lastPosition: 0 }),
      connect(app, 'alice', 'participant', { lastPosition: 0 }),
      connect(app, 'bob', 'participant'),
      connect(app, 'mo', 'mentor'),
      connect(app, 'dr-kim', 'clinician'),
    ]);
    // a catch-up from the start replays the old events through this version's delivery rules
    expect(fran.events.filter((e) => e.type === 'MessagePosted').length).toBeGreaterThan(5);
    expect(alice.events.map((e) => e.type)).toEqual(expect.arrayContaining(['MemberJoined', 'MessagePosted', 'PairingStarted', 'FamilySessionScheduled', 'PersonalDataErased']));

    const mine = await httpGet(app, alice, '/me/rooms');
    expect(mine.status).toBe(200);
    const group = (mine.body.data as { roomId: string; name: string }[]).find((r) => r.name === 'Tuesday evening group');
    expect(group).toBeDefined();
    const roomId = group!.roomId;
    const history = await httpGet(app, alice, `/rooms/${roomId}/messages?limit=100`);
    expect(history.status).toBe(200);
    const texts = (history.body.data as { text: string | null }[]).map((m) => m.text);
    // words sealed under their authors' keys open with this version; carol's, erased, stay closed
    expect(texts).toEqual(expect.arrayContaining(['hello, everyone!', 'hi alice, good to see you', 'see you all next week']));
    expect(texts).not.toContain('a hard week with my family');

    // new commands on old streams: the decider folds what the earlier version appended
    await accepted(fran, 'rooms.setOpenHours', { roomId, openHours: null });
    await accepted(alice, 'rooms.post', { roomId, text: 'back after the upgrade' });
    await accepted(fran, 'rooms.mute', { roomId, userId: 'bob', durationSeconds: 60, reason: 'a pause' });
    const asked = await accepted<{ requestId: string }>(bob, 'mentoring.request', { topics: ['sleep'], language: 'en', availability: 'evenings' });
    const paired = await accepted<{ roomId: string }>(mo, 'mentoring.accept', { requestId: asked.requestId });
    await accepted(bob, 'rooms.post', { roomId: paired.roomId, text: 'hello mo' });

    const pairings = await httpGet(app, alice, '/mentoring/pairings');
    expect(pairings.body.data).toEqual(expect.arrayContaining([expect.objectContaining({ mentorId: 'mo', status: 'ended' })]));
    const sessions = await httpGet(app, alice, '/family-sessions');
    expect(sessions.body.data).toEqual([expect.objectContaining({ title: 'Family session with the Smiths', hostId: 'dr-kim', status: 'ended' })]);
    const alerts = await httpGet(app, drKim, '/safety/alerts');
    expect(alerts.status).toBe(200);
    const session = await accepted<{ sessionId: string }>(drKim, 'family.schedule', {
      participantId: 'alice',
      title: 'After the upgrade',
      startsAt: new Date(Date.now() + 3_600_000).toISOString(),
      endsAt: new Date(Date.now() + 7_200_000).toISOString(),
    });
    await accepted(drKim, 'family.invite', { sessionId: session.sessionId, inviteeLabel: 'Mom' });
  });
});
