import type { AppProcess } from '../../support/app-process';
import { connect, settle } from '../../support/sockets';
import { describeWithPostgres } from '../../support/postgres';
import { caughtUp, STORES } from '../../support/stores';
import { recordSignals, twoNodesPerFile } from '../scale-out-helpers';
import { accepted, connectFamily, createRoom, freshGroup, httpGet, joinAll, oneAppPerFile, refused } from './rooms-helpers';

/*
 * Being shown online (rooms.setPresenceVisible): a person who would rather not be seen online is announced neither
 * coming nor going, and rooms.presence leaves them out; their choice reaches them alone.
 */

describe.each(STORES)('being shown online on %s', (store) => {
  let app: AppProcess;
  oneAppPerFile(store, (started) => (app = started));

  it('hides a person from their rooms at once and on every later coming and going, until they show themselves again', async () => {
    const { fran, alice, bob, roomId, run } = await freshGroup(app, { alice: 'participant', bob: 'participant' });
    const seenByAlice = recordSignals(alice);
    const bobsPhone = await connect(app, bob.userId, 'participant');
    const online = async (client: typeof alice) => {
      const answer = await client.send<{ online: string[] }>('rooms.presence', { roomId });
      if (!answer.ok) throw new Error(JSON.stringify(answer.error));
      return answer.data.online;
    };
    expect(await online(alice)).toEqual(expect.arrayContaining([bob.userId]));
    expect((await httpGet(app, bob, '/me/presence')).body.data).toEqual({ visible: true });

    // hidden: his rooms see him go, as if he had left; his own devices hear of the choice, nobody else
    const ack = await accepted(bob, 'rooms.setPresenceVisible', { visible: false });
    expect(ack.events.map((e: { type: string }) => e.type)).toEqual(['PresenceVisibilitySet']);
    expect((await bobsPhone.waitForEvent((e) => e.type === 'PresenceVisibilitySet')).data).toEqual({ userId: bob.userId, visible: false, setAt: expect.any(String) });
    await seenByAlice.waitForPresence((p) => p.userId === bob.userId && !p.online && p.roomId === roomId);
    expect(await online(alice)).not.toContain(bob.userId);
    expect(await online(bob)).toContain(bob.userId);
    expect((await httpGet(app, bob, '/me/presence')).body.data).toEqual({ visible: false });
    expect((await httpGet(app, alice, '/me/presence')).body.data).toEqual({ visible: true });
    expect((await accepted(bob, 'rooms.setPresenceVisible', { visible: false })).events).toEqual([]);

    // he comes and goes: nothing is announced
    seenByAlice.presence.length = 0;
    bobsPhone.close();
    bob.close();
    const bobAgain = await connect(app, bob.userId, 'participant');
    await settle(300);
    bobAgain.close();
    await settle(300);
    expect(seenByAlice.presence.filter((p) => p.userId === bob.userId)).toEqual([]);
    for (const other of [alice, fran]) expect(other.events.filter((e) => e.type === 'PresenceVisibilitySet')).toEqual([]);

    // shown again: his rooms see him come
    const bobBack = await connect(app, `bob-${run}`, 'participant');
    await accepted(bobBack, 'rooms.setPresenceVisible', { visible: true });
    await seenByAlice.waitForPresence((p) => p.userId === bob.userId && p.online);
    expect(await online(alice)).toContain(bob.userId);
  });

  it('refuses a family guest and what is not true or false; nothing stored', async () => {
    const { alice } = await freshGroup(app, { alice: 'participant' });
    await refused(app, alice, 'rooms.setPresenceVisible', { visible: 'no' }, 'VALIDATION.FAILED');
    await refused(app, alice, 'rooms.setPresenceVisible', {}, 'VALIDATION.FAILED');
    const guest = await connectFamily(app, `guest-${alice.userId}`);
    await refused(app, guest, 'rooms.setPresenceVisible', { visible: false }, 'ROOM.FORBIDDEN');
  });
});

describeWithPostgres('being shown online across two nodes sharing the store (PostgreSQL)', () => {
  const nodes = twoNodesPerFile();

  it('a person hidden on node A is not announced when they connect on node B, nor listed by it', async () => {
    const run = Math.random().toString(36).slice(2, 8);
    const fran = await connect(nodes.A, `fran-${run}`, 'facilitator');
    const [ana, ben] = [await connect(nodes.A, `ana-${run}`, 'participant'), await connect(nodes.A, `ben-${run}`, 'participant')];
    const roomId = await createRoom(fran);
    await joinAll(roomId, ana, ben);
    const seenByAna = recordSignals(ana);
    await accepted(ben, 'rooms.setPresenceVisible', { visible: false });
    // the hiding itself is told (he seems to go); from then on nothing
    await seenByAna.waitForPresence((p) => p.userId === ben.userId && !p.online);
    ben.close();
    await settle(300);
    seenByAna.presence.length = 0;
    await caughtUp(nodes.B.url);
    const benOnB = await connect(nodes.B, `ben-${run}`, 'participant');
    await settle(500);
    expect(seenByAna.presence.filter((p) => p.userId === benOnB.userId)).toEqual([]);
    expect(await ana.send('rooms.presence', { roomId })).toMatchObject({ ok: true, data: { online: expect.not.arrayContaining([benOnB.userId]) } });
  });
});
