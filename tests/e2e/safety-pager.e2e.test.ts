import { randomUUID } from 'node:crypto';
import { webhookSignature } from '@haven/edge/signed-webhook';
import { AppProcess, freePort, freshData } from '../support/app-process';
import { readLog } from '../support/event-log';
import { startWebhookReceiver, until, type WebhookReceiver } from '../support/webhook-receiver';
import { describeWithPostgres } from '../support/postgres';
import { closeClientsAndAppAfterEach, connect, settle } from '../support/sockets';
import { caughtUp, STORES } from '../support/stores';
import { advanceClock } from '../support/test-clock';
import { accepted, httpGet, roomWithAliceAndBob } from './rooms/rooms-helpers';
import { twoNodesPerFile } from './scale-out-helpers';

/*
 * Paging the clinic (docs/SAFETY.md, "Paging the clinic"): an alert nobody has acknowledged is posted to the clinic's
 * on-call service when raised and when escalated, retried while the pager fails, never with who or what was written;
 * each attempt and its outcome is in the log, and of several nodes one sends each attempt.
 */

const CRISIS_TEXT = 'I cant do this anymore, I want to k i l l   myself tonight';
const SECRET = 'pager-secret-for-the-tests-0123456789';

const pageEvents = async (app: AppProcess | { data: AppProcess['data'] }, alertId: string): Promise<Record<string, any>[]> =>
  (await readLog(app.data)).filter((e) => e.streamId === `pager-${alertId}`).map((e) => ({ type: e.type, ...e.data }));

describe.each(STORES)('paging the clinic about safety alerts on %s', (store) => {
  let app: AppProcess;
  let pager: WebhookReceiver;
  closeClientsAndAppAfterEach(() => app);
  beforeEach(async () => (pager = await startWebhookReceiver('/page')));
  afterEach(() => pager.close());

  it('pages when an alert is raised and when it escalates, retries a failing pager, and sends neither who nor what', async () => {
    app = await AppProcess.start(freshData(store), { SAFETY_PAGER_URL: pager.url, SAFETY_PAGER_SECRET: SECRET, DEADLINE_POLL_MS: '50' });
    const { alice, roomId } = await roomWithAliceAndBob(app);
    const kim = await connect(app, 'dr-kim', 'clinician');
    pager.answers.push(503);

    const ack = await alice.send('rooms.post', { commandId: randomUUID(), roomId, text: CRISIS_TEXT });
    expect(ack).toMatchObject({ ok: true, data: { held: true } });
    const { alertId } = ack.ok ? ack.data : { alertId: '' };

    // the first attempt meets a pager that is down: recorded, and tried again 10 s later (the test clock)
    await until('the first page', () => pager.received.length === 1);
    await until('its failure in the log', async () => (await pageEvents(app, alertId)).length === 2);
    expect(await pageEvents(app, alertId)).toEqual([
      { type: 'SafetyAlertPageAttempted', alertId, kind: 'raised', attempt: 1, attemptedAt: expect.any(String) },
      { type: 'SafetyAlertPageFailed', alertId, kind: 'raised', attempt: 1, reason: 'http_503', failedAt: expect.any(String) },
    ]);
    await settle(300);
    expect(pager.received).toHaveLength(1);
    await advanceClock(app, 10_000);
    await until('the second page', () => pager.received.length === 2);

    const [first, second] = pager.received;
    expect(second.json).toEqual({
      type: 'safety.alert.raised', alertId, kind: 'raised', fellDueAt: expect.any(String), attempt: 2, dedupKey: `haven:${alertId}:raised`,
      message: expect.stringContaining('safety queue'),
    });
    expect(first.json).toMatchObject({ alertId, attempt: 1, dedupKey: `haven:${alertId}:raised` });
    for (const page of pager.received) {
      // signed over its timestamp and body with the clinic's secret
      expect(page.headers['x-haven-signature']).toBe(webhookSignature(SECRET, String(page.headers['x-haven-timestamp']), page.body));
      expect(page.headers['idempotency-key']).toBe(`${alertId}:raised`);
      // nothing of the person or their words
      for (const secret of ['alice', 'k i l l', 'myself', 'suicide', roomId]) expect(page.body).not.toContain(secret);
    }

    // through: no more pages about its raise
    await until('the page recorded as sent', async () => (await pageEvents(app, alertId)).some((e) => e.type === 'SafetyAlertPaged'));
    await caughtUp(app.url);
    await advanceClock(app, 120_000);
    expect(pager.received).toHaveLength(2);

    // nobody acknowledged it: it escalates (300 s after it was raised), and that is paged too
    await advanceClock(app, 200_000);
    await until('the escalation page', () => pager.received.length === 3);
    expect(pager.received[2].json).toMatchObject({ type: 'safety.alert.escalated', alertId, kind: 'escalated', attempt: 1 });
    await until('the escalation page recorded', async () => (await pageEvents(app, alertId)).length === 6);
    expect((await pageEvents(app, alertId)).map((e) => `${e.type} ${e.kind} ${e.attempt}`)).toEqual([
      'SafetyAlertPageAttempted raised 1',
      'SafetyAlertPageFailed raised 1',
      'SafetyAlertPageAttempted raised 2',
      'SafetyAlertPaged raised 2',
      'SafetyAlertPageAttempted escalated 1',
      'SafetyAlertPaged escalated 1',
    ]);
    // the safety queue tells staff the on-call service was told, and when
    expect((await httpGet(app, kim, '/safety/alerts')).body.data.map((alert: { alertId: string; pages: unknown }) => [alert.alertId, alert.pages])).toEqual([
      [alertId, [{ kind: 'raised', status: 'sent', attempts: 2, pagedAt: expect.any(String) }, { kind: 'escalated', status: 'sent', attempts: 1, pagedAt: expect.any(String) }]],
    ]);
    // sent to no client
    for (const client of [alice, kim]) expect(client.events.filter((e) => e.type.startsWith('SafetyAlertPage'))).toEqual([]);
  });

  it('stops paging about an alert once someone acknowledged it', async () => {
    const metricsPort = await freePort();
    app = await AppProcess.start(freshData(store), { SAFETY_PAGER_URL: pager.url, SAFETY_PAGER_ON: 'raised', DEADLINE_POLL_MS: '50', METRICS_PORT: String(metricsPort) });
    const pagesNotThrough = async () => /^haven_safety_pages_not_through (\d+)$/m.exec(await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text())?.[1];
    const { alice, roomId } = await roomWithAliceAndBob(app);
    const kim = await connect(app, 'dr-kim', 'clinician');
    pager.answers.push(500, 500, 500);
    const { alertId } = await accepted<{ alertId: string }>(alice, 'safety.helpNow', { conversationKind: 'room', conversationId: roomId });
    await until('the first page', () => pager.received.length === 1);
    // unsigned without a secret
    expect(pager.received[0].headers['x-haven-signature']).toBeUndefined();
    await until('its failure in the log', async () => (await pageEvents(app, alertId)).length === 2);
    // operators see a page that did not get through while its alert waits
    await caughtUp(app.url);
    expect(await pagesNotThrough()).toBe('1');
    // SAFETY_PAGER_ON=raised: the queue shows that page only
    expect((await httpGet(app, kim, '/safety/alerts')).body.data.find((alert: { alertId: string }) => alert.alertId === alertId).pages).toEqual([
      { kind: 'raised', status: 'failing', attempts: 1, pagedAt: null },
    ]);
    await accepted(kim, 'safety.acknowledge', { alertId });
    await caughtUp(app.url);
    await advanceClock(app, 600_000);
    expect(pager.received).toHaveLength(1);
    // SAFETY_PAGER_ON=raised: its escalation would not be paged either (it does not escalate once acknowledged)
    expect((await pageEvents(app, alertId)).map((e) => e.type)).toEqual(['SafetyAlertPageAttempted', 'SafetyAlertPageFailed']);
    expect(await pagesNotThrough()).toBe('0');
  });
});

describeWithPostgres('paging the clinic from two nodes sharing the store (PostgreSQL)', () => {
  let pager: WebhookReceiver;
  const env: Record<string, string> = { DEADLINE_POLL_MS: '20' };
  beforeAll(async () => {
    pager = await startWebhookReceiver('/page');
    env.SAFETY_PAGER_URL = pager.url;
  });
  afterAll(() => pager.close());
  const nodes = twoNodesPerFile(env);

  it('sends each attempt from one node only', async () => {
    const run = randomUUID().slice(0, 6);
    const [carlOnA, carlOnB] = await Promise.all([connect(nodes.A, `carl-${run}`, 'participant'), connect(nodes.B, `dana-${run}`, 'participant')]);
    const alerts = await Promise.all(
      [carlOnA, carlOnB].map((client) => accepted<{ alertId: string }>(client, 'safety.helpNow', { conversationKind: 'person' })),
    );
    for (const { alertId } of alerts) {
      await until(`the page of ${alertId} recorded`, async () => (await readLog(nodes.data)).some((e) => e.streamId === `pager-${alertId}` && e.type === 'SafetyAlertPaged'));
    }
    await settle(500);
    for (const { alertId } of alerts) {
      expect(pager.received.filter((page) => page.json.alertId === alertId)).toHaveLength(1);
      const recorded = (await readLog(nodes.data)).filter((e) => e.streamId === `pager-${alertId}`).map((e) => e.type);
      expect(recorded).toEqual(['SafetyAlertPageAttempted', 'SafetyAlertPaged']);
    }
  });
});
