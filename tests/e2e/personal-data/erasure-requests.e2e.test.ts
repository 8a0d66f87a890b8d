import { randomUUID } from 'node:crypto';
import type { AppProcess } from '../../support/app-process';
import { readLog } from '../../support/event-log';
import { connect, settle } from '../../support/sockets';
import { caughtUp, headPosition, STORES } from '../../support/stores';
import { connectFamily, httpGet, httpPost, oneAppPerFile } from '../rooms/rooms-helpers';

/*
 * A person asks for their own data to be erased (POST /me/erasure-request): admins see it at once and answer it by
 * erasing; the person sees their request and may take it back.
 */

describe.each(STORES)('asking for erasure on %s', (store) => {
  let app: AppProcess;
  oneAppPerFile(store, (started) => (app = started));

  it('a participant asks; admins and their own devices hear of it, nobody else; an admin erasing answers it', async () => {
    const run = randomUUID().slice(0, 6);
    const pat = await connect(app, `pat-${run}`, 'participant');
    const patsPhone = await connect(app, pat.userId, 'participant');
    const [ada, kim, bob] = [await connect(app, `ada-${run}`, 'admin'), await connect(app, `kim-${run}`, 'clinician'), await connect(app, `bob-${run}`, 'participant')];
    expect((await httpGet(app, pat, '/me/erasure-request')).body.data).toBeNull();

    const asked = await httpPost(app, pat, '/me/erasure-request', { commandId: randomUUID() });
    expect(asked.status).toBe(200);
    expect(asked.body.data.events.map((e: { type: string }) => e.type)).toEqual(['ErasureRequested']);
    const told = await ada.waitForEvent((e) => e.type === 'ErasureRequested' && e.data.userId === pat.userId);
    expect(told).toMatchObject({ streamId: `person-${pat.userId}`, actorId: pat.userId, data: { userId: pat.userId, requestedAt: expect.any(String) } });
    await patsPhone.waitForEvent((e) => e.type === 'ErasureRequested');
    await settle(200);
    for (const other of [kim, bob]) expect(other.events.filter((e) => e.type === 'ErasureRequested')).toEqual([]);
    // on catch-up the same: the person and admins
    const kimAgain = await connect(app, kim.userId, 'clinician', { lastPosition: told.position - 1 });
    const adaAgain = await connect(app, ada.userId, 'admin', { lastPosition: told.position - 1 });
    await adaAgain.waitForEvent((e) => e.type === 'ErasureRequested' && e.data.userId === pat.userId);
    expect(kimAgain.events.filter((e) => e.type === 'ErasureRequested')).toEqual([]);

    const requestedAt = told.data.requestedAt;
    await caughtUp(app.url);
    expect((await httpGet(app, pat, '/me/erasure-request')).body.data).toEqual({ requestedAt });
    expect((await httpGet(app, ada, '/people/erasure-requests')).body.data).toContainEqual({ userId: pat.userId, requestedAt });
    expect((await httpGet(app, kim, '/people/erasure-requests')).status).toBe(403);
    // asking again while it is open changes nothing
    expect((await httpPost(app, pat, '/me/erasure-request', { commandId: randomUUID() })).body.data).toMatchObject({ events: [], position: null });

    // an admin erases: the request is answered
    expect((await httpPost(app, ada, `/people/${pat.userId}/erasure`, { commandId: randomUUID() })).status).toBe(200);
    await caughtUp(app.url);
    expect((await httpGet(app, pat, '/me/erasure-request')).body.data).toBeNull();
    expect((await httpGet(app, ada, '/people/erasure-requests')).body.data).not.toContainEqual(expect.objectContaining({ userId: pat.userId }));
  });

  it('a person takes their request back; family guests cannot ask; nothing else is stored', async () => {
    const run = randomUUID().slice(0, 6);
    const mo = await connect(app, `mo-${run}`, 'mentor');
    const ada = await connect(app, `ada-${run}`, 'admin');
    // nothing to withdraw: nothing stored
    const head = await headPosition(app.url);
    expect((await httpPost(app, mo, '/me/erasure-request/withdrawal', { commandId: randomUUID() })).body.data).toMatchObject({ events: [], position: null });
    expect(await headPosition(app.url)).toBe(head);

    await httpPost(app, mo, '/me/erasure-request', { commandId: randomUUID() });
    const withdrawn = await httpPost(app, mo, '/me/erasure-request/withdrawal', { commandId: randomUUID() });
    expect(withdrawn.body.data.events.map((e: { type: string }) => e.type)).toEqual(['ErasureRequestWithdrawn']);
    await ada.waitForEvent((e) => e.type === 'ErasureRequestWithdrawn' && e.data.userId === mo.userId);
    await caughtUp(app.url);
    expect((await httpGet(app, mo, '/me/erasure-request')).body.data).toBeNull();
    expect((await httpGet(app, ada, '/people/erasure-requests')).body.data).not.toContainEqual(expect.objectContaining({ userId: mo.userId }));

    const guest = await connectFamily(app, `guest-${run}`);
    const before = await headPosition(app.url);
    const refused = await httpPost(app, guest, '/me/erasure-request', { commandId: randomUUID() });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ ok: false, error: { code: 'AUTH.FORBIDDEN' } });
    expect((await httpPost(app, mo, '/me/erasure-request', {})).status).toBe(400);
    expect(await headPosition(app.url)).toBe(before);
    expect((await readLog(app.data)).filter((e) => e.type === 'ErasureRequested' && e.data.userId === guest.userId)).toEqual([]);
  });
});
