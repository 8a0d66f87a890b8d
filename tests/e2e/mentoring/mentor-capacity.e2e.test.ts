import { randomUUID } from 'node:crypto';
import { AppProcess, freshData } from '../../support/app-process';
import { closeAllClients, connect, settle, type TestClient } from '../../support/sockets';
import { caughtUp, STORES } from '../../support/stores';
import { advanceClock } from '../../support/test-clock';
import { startWebhookReceiver, until, type WebhookReceiver } from '../../support/webhook-receiver';
import { accepted, httpGet, refused } from '../rooms/rooms-helpers';

/*
 * A mentor's capacity (mentoring.setCapacity): how many people they mentor at once, by their own choice, when that is
 * fewer than the clinic allows (MENTOR_MAX_ACTIVE_PAIRINGS, 3 here). It holds when they accept, and in who is told
 * of a request while away.
 */

const AFTER_SECONDS = 30;

describe.each(STORES)("a mentor's capacity on %s", (store) => {
  let app: AppProcess;
  let gateway: WebhookReceiver;
  // one app for the file: each test's people have ids of their own
  beforeAll(async () => {
    gateway = await startWebhookReceiver('/push');
    app = await AppProcess.start(freshData(store), {
      MENTOR_MAX_ACTIVE_PAIRINGS: '3',
      OFFLINE_NOTICE_URL: gateway.url,
      OFFLINE_NOTICE_AFTER_SECONDS: String(AFTER_SECONDS),
      DEADLINE_POLL_MS: '50',
    });
  });
  afterEach(() => closeAllClients());
  afterAll(async () => {
    await app?.stop();
    await gateway?.close();
  });

  const capacityOf = async (client: TestClient) => (await httpGet(app, client, '/mentoring/capacity')).body.data;
  const request = async (participant: TestClient, language: string) =>
    (await accepted<{ requestId: string }>(participant, 'mentoring.request', { topics: ['sleep'], language, availability: 'evenings' })).requestId;

  it('a mentor who can carry one takes one, is refused a second until they say more, and only they hear of it', async () => {
    const run = randomUUID().slice(0, 6);
    const mona = await connect(app, `mona-${run}`, 'mentor');
    const monasPhone = await connect(app, `mona-${run}`, 'mentor');
    const [pat, pia] = [await connect(app, `pat-${run}`, 'participant'), await connect(app, `pia-${run}`, 'participant')];
    const kim = await connect(app, `kim-${run}`, 'clinician');
    expect(await capacityOf(mona)).toEqual({ pairs: null, limit: 3, active: 0 });
    expect(await capacityOf(pat)).toBeNull();

    const ack = await accepted(mona, 'mentoring.setCapacity', { pairs: 1 });
    expect(ack.events.map((e: { type: string }) => e.type)).toEqual(['MentorCapacitySet']);
    expect((await monasPhone.waitForEvent((e) => e.type === 'MentorCapacitySet')).data).toEqual({ mentorId: mona.userId, pairs: 1, setAt: expect.any(String) });
    expect((await accepted(mona, 'mentoring.setCapacity', { pairs: 1 })).events).toEqual([]);

    const first = await request(pat, 'en');
    await accepted(mona, 'mentoring.accept', { requestId: first });
    const second = await request(pia, 'en');
    expect((await refused(app, mona, 'mentoring.accept', { requestId: second }, 'MENTORING.MENTOR_AT_CAPACITY')).details).toEqual({ max: 1 });
    await caughtUp(app.url);
    expect(await capacityOf(mona)).toEqual({ pairs: 1, limit: 1, active: 1 });

    // as many as the clinic allows again: she takes the second
    await accepted(mona, 'mentoring.setCapacity', { pairs: null });
    await accepted(mona, 'mentoring.accept', { requestId: second });
    await caughtUp(app.url);
    expect(await capacityOf(mona)).toEqual({ pairs: null, limit: 3, active: 2 });
    // a capacity above the clinic's does not lift it
    await accepted(mona, 'mentoring.setCapacity', { pairs: 10 });
    expect(await capacityOf(mona)).toEqual({ pairs: 10, limit: 3, active: 2 });

    await settle(200);
    for (const other of [pat, pia, kim]) expect(other.events.filter((e) => e.type === 'MentorCapacitySet')).toEqual([]);
  });

  it('refuses anyone but a mentor, and what is not a whole number from 1 to 20 or null; nothing stored', async () => {
    const run = randomUUID().slice(0, 6);
    const [mona, pat] = [await connect(app, `mona-${run}`, 'mentor'), await connect(app, `pat-${run}`, 'participant')];
    await refused(app, pat, 'mentoring.setCapacity', { pairs: 1 }, 'MENTORING.FORBIDDEN');
    for (const pairs of [0, 21, 1.5, '2']) await refused(app, mona, 'mentoring.setCapacity', { pairs }, 'VALIDATION.FAILED');
    await refused(app, mona, 'mentoring.setCapacity', {}, 'VALIDATION.FAILED');
  });

  it('a mentor away at their own capacity is not told of a request: accepting would be refused', async () => {
    const run = randomUUID().slice(0, 6);
    const language = 'tl';
    const [mona, tom] = [await connect(app, `mona-${run}`, 'mentor'), await connect(app, `tom-${run}`, 'mentor')];
    for (const mentor of [mona, tom]) await accepted(mentor, 'mentoring.setLanguages', { languages: [language] });
    await accepted(mona, 'mentoring.setCapacity', { pairs: 1 });
    const pat = await connect(app, `pat-${run}`, 'participant');
    await accepted(mona, 'mentoring.accept', { requestId: await request(pat, language) });
    for (const away of [mona, tom, pat]) away.close();

    const pia = await connect(app, `pia-${run}`, 'participant');
    const requestId = await request(pia, language);
    await caughtUp(app.url);
    await advanceClock(app, AFTER_SECONDS * 1000 + 1000);
    const toldHere = () => gateway.received.filter((notice) => String(notice.json.userId).endsWith(`-${run}`));
    await until('the notice to tom', () => toldHere().some((notice) => notice.json.userId === `tom-${run}`));
    await settle(400);
    // pat was told of his pair room opening; of pia's request, only tom
    const ofRequest = toldHere().filter((notice) => notice.json.conversations.some((c: { requestId?: string }) => c.requestId === requestId));
    expect(ofRequest.map((notice) => notice.json.userId)).toEqual([`tom-${run}`]);
  });
});
