import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { io, type ManagerOptions, type SocketOptions } from 'socket.io-client';
import { mintDevToken } from '@haven/identity/dev-token-minter';
import { AppProcess, freshData, TEST_JWT_SECRET } from '../../support/app-process';
import { closeAllClients, connect, settle, type Ack, type TestClient } from '../../support/sockets';
import { accepted, command, createRoom, joinAll, post, waitInRoom } from '../rooms/rooms-helpers';

/*
 * What the app prints, audited at the most verbose level it has (LOG_LEVEL=trace), in production mode. The promise
 * (../shared/DESIGN.md "Data and privacy", docs/SAFETY.md, README `LOG_LEVEL`): no message bodies, tokens, invite
 * codes or request bodies in logs, and no note or matched phrase of the crisis path. Every private string below is a
 * unique canary, driven through real sockets and HTTP, on success and refusal paths, through an internal error and
 * a catch-up; then the whole output is searched. Room names and topics count as private too: in a clinic they say
 * which program a person attends. Reasons, notes and content warnings are free text a moderator or member typed.
 */

const canaries = new Map<string, string>(); // canary -> what it stood for

/** A distinctive private string, remembered so the final search looks for it. */
function secret(what: string): string {
  const canary = `canary-${what}-${randomUUID().slice(0, 8)}`;
  canaries.set(canary, what);
  return canary;
}

/** Phrases the default crisis list matches; the held texts below carry them. */
const CRISIS_PHRASES = ['kill myself', 'cutting myself'];
const JWT_SHAPED = /eyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*/;

/** The lines of `output` that hold `needle`, shortened, for failure messages. */
const linesHolding = (output: string, needle: string) =>
  output.split('\n').filter((line) => line.includes(needle)).map((line) => line.slice(0, 300));

type LogLine = { level: number; time: number; msg: string; req?: { method: string; url: string }; res?: { statusCode: number }; context?: string };
const parsedLines = (output: string): LogLine[] =>
  output.split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as LogLine);

async function eventually(what: string, done: () => boolean, timeoutMs = 10_000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !done(); await settle(50)) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
  }
}

/** Resolves with the connect_error of a handshake the server refuses (options as socket.io-client takes them). */
async function refusedHandshake(url: string, options: Partial<ManagerOptions & SocketOptions>): Promise<string> {
  const socket = io(url, { transports: ['websocket'], reconnection: false, forceNew: true, ...options });
  try {
    return await new Promise((resolve, reject) => {
      socket.once('connect_error', (error: Error & { data?: { code?: string } }) => resolve(error.data?.code ?? error.message));
      socket.once('connect', () => reject(new Error('connected although it should have been refused')));
    });
  } finally {
    socket.close();
  }
}

const refusal = (ack: Ack) => (ack.ok ? (ack.data?.held ? 'held' : 'accepted') : ack.error.code);

describe('log privacy at LOG_LEVEL=trace in production (sqlite)', () => {
  let app: AppProcess;
  let sqlitePath: string;
  let fran: TestClient; // facilitator of the room
  let alice: TestClient;
  let bob: TestClient;
  let drKim: TestClient; // a clinician: every alert reaches her (no on-call list), and escalations
  let roomId: string;
  const tokensSeen: string[] = []; // every JWT the test sent, valid or not
  const httpTrail: string[] = []; // `METHOD /path STATUS` of every well-formed HTTP request, for the request log

  /** An HTTP request the request log must show (by path, without its query string). */
  async function http(path: string, init: RequestInit = {}): Promise<Response> {
    const response = await fetch(`${app.url}${path}`, init);
    httpTrail.push(`${init.method ?? 'GET'} ${path.split('?')[0]} ${response.status}`);
    return response;
  }
  const bearer = (client: TestClient) => ({ authorization: `Bearer ${client.token}` });

  beforeAll(async () => {
    const data = freshData('sqlite');
    sqlitePath = data.env.SQLITE_PATH;
    // production refuses dev secrets, not tokens signed with a real one: the test mints with the app's JWT_SECRET
    app = await AppProcess.start(data, { NODE_ENV: 'production', LOG_LEVEL: 'trace', SAFETY_ESCALATE_AFTER_SECONDS: '1', DEADLINE_POLL_MS: '100' });
    fran = await connect(app, 'fran', 'facilitator');
    alice = await connect(app, 'alice', 'participant');
    bob = await connect(app, 'bob', 'participant');
    drKim = await connect(app, 'dr-kim', 'clinician');
    tokensSeen.push(fran.token, alice.token, bob.token, drKim.token);
    roomId = await createRoom(fran, { name: secret('room-name'), topic: secret('room-topic') });
    await joinAll(roomId, alice, bob);
  });
  afterAll(async () => {
    closeAllClients();
    await app?.stop();
  });

  it('carries posts, edits, reactions, settings, reports and moderation with their reasons and notes', async () => {
    const first = await post(alice, roomId, secret('post'), { contentWarning: secret('content-warning') });
    await accepted(alice, 'rooms.edit', { roomId, messageId: first.messageId, text: secret('edit') });
    const reply = await post(bob, roomId, secret('reply'), { replyTo: first.messageId });
    await accepted(alice, 'rooms.react', { roomId, messageId: reply.messageId, emoji: '💙' });
    await accepted(fran, 'rooms.rename', { roomId, name: secret('new-room-name') });
    await accepted(fran, 'rooms.changeTopic', { roomId, topic: secret('new-room-topic') });
    await accepted(fran, 'rooms.lock', { roomId, reason: secret('lock-reason') });
    expect(refusal(await command(bob, 'rooms.post', { roomId, text: secret('post-while-locked') }))).toBe('ROOM.LOCKED');
    await accepted(fran, 'rooms.unlock', { roomId, reason: secret('unlock-reason') });

    const { reportId } = await accepted(alice, 'rooms.report', { roomId, messageId: reply.messageId, reason: secret('report-reason') });
    await accepted(fran, 'rooms.resolveReport', { roomId, reportId, outcome: 'member_muted', note: secret('report-note') });
    await accepted(fran, 'rooms.mute', { roomId, userId: 'bob', durationSeconds: 3600, reason: secret('mute-reason') });
    // the refusal's details carry the mute reason back to bob: that ack must not be logged either
    expect(refusal(await command(bob, 'rooms.post', { roomId, text: secret('post-while-muted') }))).toBe('ROOM.MUTED');
    await accepted(fran, 'rooms.unmute', { roomId, userId: 'bob' });
    await accepted(fran, 'rooms.redact', { roomId, messageId: reply.messageId, reason: secret('redaction-reason') });
    const deleted = await post(alice, roomId, secret('deleted-post'));
    await accepted(alice, 'rooms.delete', { roomId, messageId: deleted.messageId });
    expect(await alice.send('rooms.typing', { roomId, typing: true })).toMatchObject({ ok: true });
  });

  it('carries held crisis posts and edits, a help request, acknowledgements, an escalation and resolutions with notes', async () => {
    const heldPost = await accepted(alice, 'rooms.post', { roomId, text: `${secret('crisis-post')} I want to kill myself` });
    expect(heldPost).toMatchObject({ held: true });
    await accepted(fran, 'safety.acknowledge', { alertId: heldPost.alertId });
    await accepted(fran, 'safety.resolve', { alertId: heldPost.alertId, outcome: 'released', note: secret('release-note') });
    await waitInRoom(bob, roomId, 'MessagePosted', (e) => e.data.messageId === heldPost.messageId);

    const mine = await post(bob, roomId, secret('post-to-edit'));
    const heldEdit = await accepted(bob, 'rooms.edit', { roomId, messageId: mine.messageId, text: `${secret('crisis-edit')} i keep cutting myself` });
    expect(heldEdit).toMatchObject({ held: true });
    await accepted(drKim, 'safety.acknowledge', { alertId: heldEdit.alertId });
    await accepted(drKim, 'safety.resolve', { alertId: heldEdit.alertId, outcome: 'kept_held', note: secret('kept-held-note') });

    const help = await accepted(alice, 'safety.helpNow', { conversationKind: 'room', conversationId: roomId });
    // nobody acknowledges for a second: the scheduler escalates it to every clinician
    await drKim.waitForEvent((e) => e.type === 'SafetyAlertEscalated' && e.data.alertId === help.alertId);
    await accepted(fran, 'safety.acknowledge', { alertId: help.alertId });
    await accepted(fran, 'safety.resolve', { alertId: help.alertId, outcome: 'followed_up_privately', note: secret('follow-up-note') });
  });

  it('serves HTTP reads and writes with tokens in headers, cookies and query strings, and refuses bad ones', async () => {
    // the responses hold the private text: proof that what is not logged was there to log
    const messages = await http(`/rooms/${roomId}/messages`, { headers: bearer(alice) });
    expect(await messages.text()).toContain('canary-post-');
    for (const path of [`/rooms/${roomId}/reports`, `/rooms/${roomId}/moderation-log`, `/rooms/${roomId}/members`]) {
      expect((await http(path, { headers: bearer(fran) })).status).toBe(200);
    }
    const alerts = await http('/safety/alerts?status=resolved', { headers: bearer(drKim) });
    expect(await alerts.text()).toContain('canary-release-note-');
    const json = { ...bearer(fran), 'content-type': 'application/json' };
    const room = { commandId: randomUUID(), name: secret('http-room-name'), topic: secret('http-room-topic'), kind: 'workshop', capacity: 5, joinRule: 'open' };
    expect((await http('/rooms', { method: 'POST', headers: json, body: JSON.stringify(room) })).status).toBe(201);
    const invalidRoom = { commandId: secret('bad-command-id'), name: '', capacity: secret('capacity'), note: secret('unknown-field') };
    expect((await http('/rooms', { method: 'POST', headers: json, body: JSON.stringify(invalidRoom) })).status).toBe(400);

    // query strings can hold tokens and invite codes; the path is logged, the query never
    expect((await http(`/rooms?access_token=${bob.token}&invite=${secret('invite-code')}`, { headers: bearer(bob) })).status).toBeLessThan(500);
    const forged = await mintDevToken({ secret: 'another-secret-that-is-32-bytes-or-more!!', sub: 'eve', role: 'admin' });
    const expired = await mintDevToken({ secret: TEST_JWT_SECRET, sub: 'eve', role: 'admin', expiresIn: '-1m' });
    tokensSeen.push(forged, expired);
    for (const authorization of [`Bearer ${forged}`, `Bearer ${expired}`, `Bearer ${secret('bearer-garbage')}`, `Basic ${secret('basic-credentials')}`]) {
      expect((await http('/rooms', { headers: { authorization } })).status).toBe(401);
    }
    expect((await http('/rooms', { headers: { ...bearer(alice), cookie: `session=${secret('cookie')}` } })).status).toBe(200);
    expect((await http('/rooms', { headers: { ...bearer(alice), 'x-forwarded-for': '203.0.113.9', 'x-api-key': secret('api-key-header') } })).status).toBe(200);
  });

  it('refuses bodies the parser cannot read without echoing them', async () => {
    const post = (body: string, type: string) =>
      fetch(`${app.url}/rooms`, { method: 'POST', headers: { ...bearer(fran), 'content-type': type }, body });
    expect((await post(`{"name": "${secret('malformed-json')}`, 'application/json')).status).toBe(400);
    expect((await post(`{"name": "${secret('oversized-body')}${'x'.repeat(2_000_000)}"}`, 'application/json')).status).toBe(413);
    expect((await post(`name=${secret('form-body')}`, 'application/x-www-form-urlencoded')).status).toBeLessThan(500);
  });

  it('refuses invalid socket payloads and handshakes without logging their values', async () => {
    const tooLong = `${secret('too-long-text')} ${'x'.repeat(4100)}`;
    const beyondTheEdge = `${secret('over-edge-bound')} ${'y'.repeat(20_001)}`;
    const deep = Array.from({ length: 40 }).reduce<unknown>((inner) => ({ a: inner }), secret('deeply-nested'));
    const refusedPayloads: [TestClient, string, Record<string, unknown>][] = [
      [alice, 'rooms.post', { roomId, text: secret('unknown-field-post'), mood: secret('unknown-field-value') }],
      [alice, 'rooms.post', { roomId: secret('not-a-uuid'), text: secret('post-to-nowhere') }],
      [alice, 'rooms.post', { roomId, text: tooLong }],
      [alice, 'rooms.post', { roomId, text: beyondTheEdge }],
      [alice, 'rooms.post', { roomId, text: `${secret('nul-text')}\u0000` }],
      [alice, 'rooms.post', { roomId, text: `${secret('lone-surrogate')}\ud800` }],
      [alice, 'rooms.post', { roomId, text: deep }],
      [alice, 'rooms.report', { roomId, messageId: randomUUID(), reason: secret('report-of-nothing') }],
      [bob, 'rooms.mute', { roomId, userId: 'alice', durationSeconds: 3600, reason: secret('mute-by-a-member') }],
      [fran, 'rooms.mute', { roomId, userId: 'alice', durationSeconds: 3600, reason: `${secret('overlong-reason')}${'r'.repeat(600)}` }],
      [drKim, 'safety.resolve', { alertId: randomUUID(), outcome: 'kept_held', note: secret('note-for-no-alert') }],
    ];
    for (const [client, message, payload] of refusedPayloads) {
      const code = refusal(await command(client, message, payload));
      expect([message, code]).toEqual([message, expect.not.stringMatching(/^(accepted|held|INTERNAL)$/)]);
    }
    expect(refusal(await alice.send('rooms.post', secret('string-payload')))).toBe('VALIDATION.FAILED');
    // without an ack the refusal comes back as an `error` event
    const answered = new Promise((resolve) => alice.socket.once('error', resolve));
    alice.socket.emit('rooms.post', { commandId: randomUUID(), roomId, text: 1, note: secret('no-ack-payload') });
    expect(await answered).toMatchObject({ ok: false, error: { code: 'VALIDATION.FAILED' } });

    const valid = await mintDevToken({ secret: TEST_JWT_SECRET, sub: 'mallory', role: 'participant' });
    const forged = await mintDevToken({ secret: 'another-secret-that-is-32-bytes-or-more!!', sub: 'mallory', role: 'admin' });
    tokensSeen.push(valid, forged);
    expect(await refusedHandshake(app.url, { auth: { token: secret('handshake-garbage') } })).toBe('AUTH.TOKEN_MALFORMED');
    expect(await refusedHandshake(app.url, { auth: { token: forged } })).toBe('AUTH.TOKEN_INVALID_SIGNATURE');
    expect(await refusedHandshake(app.url, { auth: { token: valid, lastPosition: secret('last-position') } })).toBe('VALIDATION.FAILED');
    // a token in the query string (the protocol says never) over long-polling, where it travels in request URLs
    expect(await refusedHandshake(app.url, { transports: ['polling'], query: { token: valid, invite: secret('handshake-query') } })).toBe('AUTH.TOKEN_MISSING');

    // tokens handed to an open socket: refused ones (another person's, a forged one, garbage) and a good one
    expect(refusal(await alice.send('session.refresh', { token: valid }))).toBe('AUTH.TOKEN_OF_ANOTHER_ACTOR');
    expect(refusal(await alice.send('session.refresh', { token: forged }))).toBe('AUTH.TOKEN_INVALID_SIGNATURE');
    expect(refusal(await alice.send('session.refresh', { token: secret('refresh-garbage') }))).toBe('AUTH.TOKEN_MALFORMED');
    const fresh = await mintDevToken({ secret: TEST_JWT_SECRET, sub: 'alice', role: 'participant' });
    tokensSeen.push(fresh);
    expect(await alice.send('session.refresh', { token: fresh })).toMatchObject({ ok: true });
  });

  it('answers INTERNAL while the store is locked by another process, and logs the failure without its content', async () => {
    // another process holding SQLite's write lock: the app's appends wait out their busy timeout (5 s) and fail
    const lockHolder = new Database(sqlitePath);
    lockHolder.exec('BEGIN IMMEDIATE');
    try {
      const [socketAck, httpResponse] = await Promise.all([
        command(alice, 'rooms.post', { roomId, text: secret('post-during-outage'), contentWarning: secret('warning-during-outage') }),
        http('/rooms', {
          method: 'POST',
          headers: { ...bearer(fran), 'content-type': 'application/json' },
          body: JSON.stringify({ commandId: randomUUID(), name: secret('room-during-outage'), topic: '', kind: 'peer_support', capacity: 5, joinRule: 'open' }),
        }),
      ]);
      expect(refusal(socketAck)).toBe('INTERNAL');
      expect(httpResponse.status).toBe(500);
    } finally {
      lockHolder.exec('ROLLBACK');
      lockHolder.close();
    }
    await post(alice, roomId, secret('post-after-outage'));
  }, 20_000);

  it('replays the private text to a client that reconnects with catch-up and to a sync', async () => {
    alice.close();
    const back = await connect(app, 'alice', 'participant', { lastPosition: 0 });
    tokensSeen.push(back.token);
    await back.waitForEvent((e) => e.type === 'MessagePosted' && String(e.data.text).startsWith('canary-post-after-outage-'));
    const synced = await fran.send('sync', { after: 0 });
    expect(synced.ok).toBe(true);
    expect(fran.events.some((e) => e.type === 'MessageRedacted' && String(e.data.reason).startsWith('canary-redaction-reason-'))).toBe(true);
  });

  describe('everything the process printed', () => {
    let output: string;
    const controlPath = `/canary-control-${randomUUID().slice(0, 8)}`;

    beforeAll(async () => {
      // the log is read through a pipe: once the line of a last request is in, everything before it is too
      await http(controlPath);
      await eventually('the last request in the log', () => app.logs.includes(controlPath));
      output = app.logs;
    });

    it('shows a path it was sent, so the search below sees what the app logs', () => {
      expect(linesHolding(output, controlPath)).toHaveLength(1);
    });

    it('is one JSON object per line, with a level, a time and a message', () => {
      const notJson = output.split('\n').filter((line) => line.trim() !== '' && !/^\{.*\}$/.test(line));
      expect(notJson).toEqual([]);
      for (const line of parsedLines(output)) expect(line).toEqual(expect.objectContaining({ level: expect.any(Number), time: expect.any(Number), msg: expect.any(String) }));
    });

    it('holds no message text, content warning, room name or topic, reason, note or request value', () => {
      const leaks = [...canaries].filter(([canary]) => output.includes(canary)).map(([canary, what]) => ({ what, lines: linesHolding(output, canary) }));
      expect(leaks).toEqual([]);
    });

    it('holds no token, nothing shaped like a JWT, and no Authorization or Cookie header', () => {
      expect(tokensSeen.filter((token) => output.includes(token))).toEqual([]);
      expect(output).not.toMatch(JWT_SHAPED);
      expect(output).not.toMatch(/bearer|authorization|"cookie"|x-api-key/i);
    });

    it('holds no crisis phrase a post or edit was held for', () => {
      expect(CRISIS_PHRASES.filter((phrase) => output.toLowerCase().includes(phrase))).toEqual([]);
    });

    // the request log is what the config promises (method, path, status); it names no user, so it is not an audit of
    // who did what: the event log is that (README)
    it('logs each well-formed HTTP request as its method, its path without the query, and its status', () => {
      const requestLines = parsedLines(output).filter((line) => line.req && line.res);
      const logged = requestLines.map((line) => `${line.req!.method} ${line.req!.url} ${line.res!.statusCode}`);
      expect(httpTrail.filter((call) => !logged.includes(call))).toEqual([]);
      expect(requestLines.filter((line) => line.req!.url.includes('?'))).toEqual([]);
    });

    it('logs the internal errors at error level, by kind, so an operator learns of them', () => {
      const errors = parsedLines(output).filter((line) => line.level >= 50 && /SQLITE_BUSY/.test(line.msg));
      expect(errors.map((line) => line.context).sort()).toEqual(['HttpErrors', 'WsErrors']);
    });
  });
});

/**
 * The output of an app that refuses to start (AppProcess.start rejects with everything it printed). No health check
 * passes, so the start fails fast: a closed port or a config error.
 */
async function failedStartOutput(env: Record<string, string>): Promise<string> {
  const started = await AppProcess.start(freshData('sqlite'), { NODE_ENV: 'production', LOG_LEVEL: 'trace', ...env }).then(
    async (app) => (await app.stop(), 'started'),
    (error: Error) => error.message,
  );
  expect(started).toMatch(/^app exited with/);
  return started.slice(started.indexOf('\n') + 1);
}

describe('a production start that fails', () => {
  const databasePassword = secret('database-password');
  const shortJwtSecret = secret('jwt'); // under the 32 characters a JWT_SECRET needs
  let outputs: string[];

  beforeAll(async () => {
    outputs = [
      await failedStartOutput({ EVENT_STORE: 'postgres', DATABASE_URL: `postgres://haven:${databasePassword}@127.0.0.1:1/haven` }),
      await failedStartOutput({ JWT_SECRET: shortJwtSecret }),
    ];
  });

  it('says why without printing the database password or the JWT secret', () => {
    expect(outputs[0]).toMatch(/ECONNREFUSED/);
    expect(outputs[1]).toMatch(/JWT_SECRET/);
    expect(outputs.filter((output) => output.includes(databasePassword) || output.includes(shortJwtSecret))).toEqual([]);
  });

  // Found by this audit, fixed 2026-12-01; it was: a start that fails prints Nest's coloured multi-line text (the ExceptionHandler's inspected error, the
  // buffered start-up lines) or Node's uncaught-exception trace instead of JSON lines, in production, where a log
  // shipper expects one JSON object per line: the line that says why the service is down is the one it cannot parse.
  it('reports the failure as JSON lines, like everything else it logs in production', () => {
    const notJson = outputs.flatMap((output) => output.split('\n').filter((line) => line.trim() !== '' && !/^\{.*\}$/.test(line)));
    const saysWhy = notJson.filter((line) => /error/i.test(line)).map((line) => line.replace(/\x1b\[[\d;]*m/g, ''));
    expect({ linesNotJson: notJson.length, saysWhy }).toEqual({ linesNotJson: 0, saysWhy: [] });
  });
});
