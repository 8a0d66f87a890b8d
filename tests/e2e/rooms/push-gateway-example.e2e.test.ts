import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { webhookSignature } from '@haven/edge/signed-webhook';
import { AppProcess, freePort, freshData } from '../../support/app-process';
import { closeClientsAndAppAfterEach } from '../../support/sockets';
import { caughtUp } from '../../support/stores';
import { advanceClock } from '../../support/test-clock';
import { until } from '../../support/webhook-receiver';
import { post, roomWithAliceAndBob } from './rooms-helpers';

/*
 * examples/push-gateway/server.mjs, the starting point the README gives a clinic for its push gateway: it takes
 * Haven's real notices, and refuses what Haven did not sign, a replayed old one, and a second push of the same notice.
 */

const SECRET = 'gateway-secret-for-the-example-0123456789';
const EXAMPLE = join(__dirname, '..', '..', '..', 'examples', 'push-gateway', 'server.mjs');

describe('the example push gateway', () => {
  let app: AppProcess;
  let gateway: ChildProcess;
  let output = '';
  let url = '';
  closeClientsAndAppAfterEach(() => app);
  beforeEach(async () => {
    const port = await freePort();
    output = '';
    gateway = spawn(process.execPath, [EXAMPLE], { env: { PATH: process.env.PATH ?? '', HAVEN_WEBHOOK_SECRET: SECRET, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
    gateway.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    gateway.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await until('the gateway listening', () => output.includes('"listening"'));
    url = `http://127.0.0.1:${port}/push`;
  });
  afterEach(() => gateway.kill());

  const pushes = () => output.split('\n').filter((line) => line.startsWith('{"push"')).map((line) => JSON.parse(line).push);
  const send = (body: string, headers: Record<string, string>) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body }).then(async (r) => ({ status: r.status, body: await r.json() }));
  const signed = (body: string, timestamp = String(Math.floor(Date.now() / 1000)), key = 'bob:k1') => ({
    'x-haven-timestamp': timestamp,
    'x-haven-signature': webhookSignature(SECRET, timestamp, body),
    'idempotency-key': key,
  });

  it("takes Haven's notices and pushes the person's id and the fixed message only", async () => {
    app = await AppProcess.start(freshData('sqlite'), { OFFLINE_NOTICE_URL: url, OFFLINE_NOTICE_SECRET: SECRET, OFFLINE_NOTICE_AFTER_SECONDS: '30', DEADLINE_POLL_MS: '50' });
    const { alice, bob, roomId } = await roomWithAliceAndBob(app);
    bob.close();
    await post(alice, roomId, 'see you thursday');
    await caughtUp(app.url);
    await advanceClock(app, 31_000);
    await until('the push to bob', () => pushes().length === 1);
    expect(pushes()).toEqual([{ userId: 'bob', message: 'Something new is waiting for you in Haven.', collapseKey: 'haven:unread' }]);
  });

  it('refuses what Haven did not sign, an old or altered notice, and pushes a notice sent twice once', async () => {
    const body = JSON.stringify({ type: 'conversation.unread', userId: 'bob', conversations: [], collapseKey: 'haven:unread', message: 'hi' });
    expect((await send(body, {})).status).toBe(401);
    expect((await send(body, { ...signed(body), 'x-haven-signature': webhookSignature('another-secret-of-32-characters-or-more', '1', body) })).status).toBe(401);
    const old = String(Math.floor(Date.now() / 1000) - 3600);
    expect((await send(body, signed(body, old))).status).toBe(401);
    expect((await send(body.replace('bob', 'eve'), signed(body))).status).toBe(401);
    expect(pushes()).toEqual([]);

    expect(await send(body, signed(body))).toEqual({ status: 200, body: { ok: true } });
    expect(await send(body, signed(body))).toEqual({ status: 200, body: { ok: true, duplicate: true } });
    expect(pushes()).toHaveLength(1);
    const notANotice = JSON.stringify({ hello: 'world' });
    expect((await send(notANotice, signed(notANotice, undefined, 'k2'))).status).toBe(400);
  });
});
