import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { Client } from 'pg';
import { AppProcess, freshData, TEST_JWT_SECRET, type AppData } from '../support/app-process';
import { dumpTables } from '../support/read-model-dump';
import { closeAllClients, closeClientsAndAppAfterEach, connect, settle, type TestClient } from '../support/sockets';
import { caughtUp, headPosition, STORES } from '../support/stores';
import { advanceClock } from '../support/test-clock';

const cli = join(__dirname, '..', '..', 'dist', 'apps', 'api', 'src', 'cli', 'rebuild-read-models.js');
const READ_MODEL_TABLES = ['room_membership_periods', 'room_directory', 'room_messages', 'room_reports', 'moderation_log', 'mute_deadlines', 'room_read_marks', 'room_pins', 'room_away_notices_off', 'hidden_people', 'room_agreements', 'room_agreement_acceptances', 'notice_preferences', 'room_open_hours', 'presence_hidden'];

async function roomWith(facilitator: TestClient, ...members: TestClient[]): Promise<string> {
  const created = await facilitator.send('rooms.create', {
    commandId: randomUUID(), name: 'Evening group', topic: 'check-in', kind: 'group_therapy', capacity: 10, joinRule: 'open',
  });
  if (!created.ok) throw new Error(JSON.stringify(created));
  for (const member of members) await member.send('rooms.join', { commandId: randomUUID(), roomId: created.data.roomId });
  return created.data.roomId;
}

/** Runs statements on an app's database while the app is stopped (to put it back in an earlier version's shape). */
async function executeOn(data: AppData, statements: string[]): Promise<void> {
  if (data.store === 'sqlite') {
    const db = new Database(data.env.SQLITE_PATH);
    try {
      for (const statement of statements) db.exec(statement);
    } finally {
      db.close();
    }
    return;
  }
  const client = new Client({ connectionString: data.env.DATABASE_URL });
  await client.connect();
  try {
    await client.query(`set search_path to "${data.env.POSTGRES_SCHEMA}"`);
    for (const statement of statements) await client.query(statement);
  } finally {
    await client.end();
  }
}

const get = async (app: AppProcess, path: string, token: string) => {
  const response = await fetch(`${app.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, body: (await response.json()) as any };
};

describe.each(STORES)('room read models, deadlines and signals on %s', (store) => {
  let app: AppProcess;
  closeClientsAndAppAfterEach(() => app);

  it('ends a mute by itself when its time comes (the clock is moved, not waited for), once', async () => {
    app = await AppProcess.start(freshData(store), { DEADLINE_POLL_MS: '100' });
    const fran = await connect(app, 'fran', 'facilitator');
    const alice = await connect(app, 'alice', 'participant');
    const roomId = await roomWith(fran, alice);
    await fran.send('rooms.mute', { commandId: randomUUID(), roomId, userId: 'alice', durationSeconds: 600, reason: 'cool-down' });
    const refused = await alice.send('rooms.post', { commandId: randomUUID(), roomId, text: 'hello?' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'ROOM.MUTED', details: { reason: 'cool-down' } } });

    await advanceClock(app, 601_000);
    const ended = await alice.waitForEvent((e) => e.type === 'MemberUnmuted');
    expect(ended).toMatchObject({ actorId: 'system', data: { userId: 'alice', reason: 'expired' } });
    expect((await alice.send('rooms.post', { commandId: randomUUID(), roomId, text: 'back' })).ok).toBe(true);
    await settle(400);
    expect(alice.events.filter((e) => e.type === 'MemberUnmuted')).toHaveLength(1);
  });

  it('relays typing and presence to the room only (online once per user, not per socket), and refuses typing from muted members and outsiders', async () => {
    app = await AppProcess.start(freshData(store));
    const fran = await connect(app, 'fran', 'facilitator');
    const alice = await connect(app, 'alice', 'participant');
    const bob = await connect(app, 'bob', 'participant');
    const carol = await connect(app, 'carol', 'participant');
    const outsider = await connect(app, 'olga', 'participant');
    const roomId = await roomWith(fran, alice, bob, carol);

    const typingSeen = new Promise((resolve) => bob.socket.once('typing', resolve));
    const outsiderSaw: unknown[] = [];
    outsider.socket.on('typing', (t) => outsiderSaw.push(t));
    expect(await alice.send('rooms.typing', { roomId, typing: true })).toMatchObject({ ok: true });
    expect(await typingSeen).toEqual({ roomId, userId: 'alice', typing: true });

    await fran.send('rooms.mute', { commandId: randomUUID(), roomId, userId: 'carol', durationSeconds: 600, reason: 'pause' });
    expect(await carol.send('rooms.typing', { roomId, typing: true })).toMatchObject({ ok: false, error: { code: 'ROOM.MUTED' } });
    expect(await outsider.send('rooms.typing', { roomId, typing: true })).toMatchObject({ ok: false, error: { code: 'ROOM.NOT_A_MEMBER' } });

    const presence = await alice.send('rooms.presence', { roomId });
    expect(presence).toMatchObject({ ok: true, data: { online: ['alice', 'bob', 'carol', 'fran'] } });
    const wentOffline = new Promise((resolve) => alice.socket.on('presence', (p) => p.userId === 'bob' && !p.online && resolve(p)));
    bob.close();
    expect(await wentOffline).toEqual({ roomId, userId: 'bob', online: false });
    await settle();
    expect(outsiderSaw).toEqual([]);

    // online is told once per user, not per socket: alice's second tab announces nothing, bob coming back does
    const franSaw: { userId: string; online: boolean }[] = [];
    fran.socket.on('presence', (p) => franSaw.push(p));
    await connect(app, 'alice', 'participant');
    await settle();
    const bobBack = new Promise((resolve) => fran.socket.on('presence', (p) => p.userId === 'bob' && p.online && resolve(p)));
    await connect(app, 'bob', 'participant');
    expect(await bobBack).toEqual({ roomId, userId: 'bob', online: true });
    expect(franSaw.filter((p) => p.userId === 'alice')).toEqual([]);
  });

  it('keeps a moderation queue and a moderation log that only moderators read', async () => {
    app = await AppProcess.start(freshData(store));
    const fran = await connect(app, 'fran', 'facilitator');
    const alice = await connect(app, 'alice', 'participant');
    const bob = await connect(app, 'bob', 'participant');
    const roomId = await roomWith(fran, alice, bob);
    const posted = await bob.send('rooms.post', { commandId: randomUUID(), roomId, text: 'something hurtful' });
    const messageId = posted.ok && posted.data.messageId;
    const reported = await alice.send('rooms.report', { commandId: randomUUID(), roomId, messageId, reason: 'unkind' });
    const reportId = reported.ok && reported.data.reportId;

    const open = await get(app, `/rooms/${roomId}/reports?status=open`, fran.token);
    expect(open.body.data).toMatchObject([{ reportId, messageId, reporterId: 'alice', authorId: 'bob', reason: 'unkind', status: 'open' }]);
    // the queue shows what was reported, as moderators read it
    expect(open.body.data[0].message).toMatchObject({ messageId, authorId: 'bob', text: 'something hurtful', redacted: false, deleted: false });
    expect((await get(app, `/rooms/${roomId}/reports`, alice.token)).body).toMatchObject({ ok: false, error: { code: 'ROOM.FORBIDDEN' } });
    // the queue across rooms: the room's facilitator sees it with the room named; a member who moderates nothing, nothing
    expect((await get(app, '/moderation/reports?status=open', fran.token)).body.data).toEqual([
      expect.objectContaining({ roomId, roomName: 'Evening group', roomKind: 'group_therapy', reportId, message: expect.objectContaining({ text: 'something hurtful' }) }),
    ]);
    expect((await get(app, '/moderation/reports', alice.token)).body.data).toEqual([]);
    expect((await get(app, '/moderation/reports?status=closed', fran.token)).status).toBe(400);

    await fran.send('rooms.redact', { commandId: randomUUID(), roomId, messageId, reason: 'hurtful' });
    await fran.send('rooms.resolveReport', { commandId: randomUUID(), roomId, reportId, outcome: 'message_redacted', note: 'thanks' });
    await alice.waitForEvent((e) => e.type === 'ReportResolved');
    expect((await get(app, `/rooms/${roomId}/reports?status=open`, fran.token)).body.data).toEqual([]);
    const [resolved] = (await get(app, `/rooms/${roomId}/reports?status=resolved`, fran.token)).body.data;
    expect(resolved.message).toMatchObject({ text: 'something hurtful', redacted: true, redaction: { reason: 'hurtful', by: 'fran' } });
    const log = await get(app, `/rooms/${roomId}/moderation-log`, fran.token);
    expect(log.body.data.map((e: { action: string }) => e.action)).toEqual(['MessageRedacted', 'ReportResolved']);
    expect(log.body.data[0]).toMatchObject({ actorId: 'fran', targetUserId: 'bob', messageId, reason: 'hurtful' });
    const clinician = await connect(app, 'dr-kim', 'clinician');
    expect((await get(app, `/rooms/${roomId}/moderation-log`, clinician.token)).status).toBe(200);
    expect((await get(app, `/rooms/${roomId}/moderation-log`, bob.token)).status).toBe(403);
  });

  it("keeps two rooms' reports apart when they use the same report id, also after an upgrade from the first queue", async () => {
    const data = freshData(store);
    app = await AppProcess.start(data);
    const fran = await connect(app, 'fran', 'facilitator');
    const gina = await connect(app, 'gina', 'facilitator');
    const alice = await connect(app, 'alice', 'participant');
    const bob = await connect(app, 'bob', 'participant');
    const reportId = randomUUID();
    const rooms: string[] = [];
    for (const facilitator of [fran, gina]) {
      const roomId = await roomWith(facilitator, alice, bob);
      const posted = await bob.send('rooms.post', { commandId: randomUUID(), roomId, text: 'something hurtful' });
      const reported = await alice.send('rooms.report', { commandId: randomUUID(), roomId, reportId, messageId: posted.ok && posted.data.messageId, reason: 'unkind' });
      expect(reported).toMatchObject({ ok: true, data: { reportId } });
      rooms.push(roomId);
    }
    await gina.send('rooms.resolveReport', { commandId: randomUUID(), roomId: rooms[1], reportId, outcome: 'no_action', note: 'fine' });
    const queues = async () => [
      (await get(app, `/rooms/${rooms[0]}/reports`, fran.token)).body.data.map((r: any) => [r.reportId, r.status, r.resolvedBy]),
      (await get(app, `/rooms/${rooms[1]}/reports`, gina.token)).body.data.map((r: any) => [r.reportId, r.status, r.resolvedBy]),
    ];
    const expected = [[[reportId, 'open', null]], [[reportId, 'resolved', 'gina']]];
    expect(await queues()).toEqual(expected);

    // the database as the first version left it: its moderation_queue table, no room_reports and no checkpoint for it
    closeAllClients();
    await app.stop();
    await executeOn(data, [
      'drop table room_reports',
      `delete from read_model_checkpoints where name = 'room_reports'`,
      'create table moderation_queue (report_id text primary key, room_id text not null)',
    ]);
    app = await AppProcess.start(data);
    await caughtUp(app.url); // the new read model is built from the log after the start
    expect(await queues()).toEqual(expected); // the same tokens still hold: HTTP reads need no socket
    await app.stop();
    await expect(dumpTables(data, ['moderation_queue'])).rejects.toThrow(/moderation_queue/);
  });

  it('rebuilds every read model from position 0 into exactly the live one, with a progress report', async () => {
    const data = freshData(store);
    app = await AppProcess.start(data);
    const fran = await connect(app, 'fran', 'facilitator');
    const alice = await connect(app, 'alice', 'participant');
    const bob = await connect(app, 'bob', 'participant');
    const roomId = await roomWith(fran, alice, bob);
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const ack = await (i % 2 ? alice : bob).send('rooms.post', { commandId: randomUUID(), roomId, text: `message ${i}` });
      if (ack.ok) ids.push(ack.data.messageId);
    }
    // fran's agreements and a resource, pinned; the resource redacted (and so unpinned) later
    const pinned: string[] = [];
    for (const text of ['our agreements: what is said here stays here', 'a resource for the week']) {
      const posted = await fran.send('rooms.post', { commandId: randomUUID(), roomId, text });
      if (!posted.ok) throw new Error(JSON.stringify(posted));
      pinned.push(posted.data.messageId);
      const pin = await fran.send('rooms.pin', { commandId: randomUUID(), roomId, messageId: posted.data.messageId });
      if (!pin.ok) throw new Error(JSON.stringify(pin));
    }
    const clinician = await connect(app, 'dr-kim', 'clinician');
    await clinician.send('rooms.redact', { commandId: randomUUID(), roomId, messageId: pinned[1], reason: 'an outdated number' });
    await alice.send('rooms.edit', { commandId: randomUUID(), roomId, messageId: ids[1], text: 'edited' });
    await bob.send('rooms.delete', { commandId: randomUUID(), roomId, messageId: ids[0] });
    await fran.send('rooms.redact', { commandId: randomUUID(), roomId, messageId: ids[3], reason: 'private details' });
    await alice.send('rooms.report', { commandId: randomUUID(), roomId, messageId: ids[2], reason: 'rude' });
    await fran.send('rooms.mute', { commandId: randomUUID(), roomId, userId: 'bob', durationSeconds: 600, reason: 'pause' });
    // bob turns the room's away notices off; alice off and on again (no row left for her)
    for (const [client, on] of [[bob, false], [alice, false], [alice, true]] as const) {
      const set = await client.send('rooms.setAwayNotices', { commandId: randomUUID(), roomId, on });
      if (!set.ok) throw new Error(JSON.stringify(set));
    }
    // fran sets an agreement and changes it; bob accepts the second (alice is removed below)
    for (const [client, message, payload] of [
      [fran, 'rooms.setAgreement', { text: 'What is said here stays here.' }],
      [fran, 'rooms.setAgreement', { text: 'What is said here stays here. Phones away.' }],
      [bob, 'rooms.acceptAgreement', { version: 2 }],
    ] as const) {
      const set = await client.send(message, { commandId: randomUUID(), roomId, ...payload });
      if (!set.ok) throw new Error(JSON.stringify(set));
    }
    // alice hides bob; bob hides alice and unhides her again (no row left for him)
    for (const [client, message, userId] of [[alice, 'rooms.hidePerson', 'bob'], [bob, 'rooms.hidePerson', 'alice'], [bob, 'rooms.unhidePerson', 'alice']] as const) {
      const hidden = await client.send(message, { commandId: randomUUID(), userId });
      if (!hidden.ok) throw new Error(JSON.stringify(hidden));
    }
    // bob sets quiet hours, then pauses too; alice pauses (each the last choice, sealed as the log holds it)
    for (const [client, choice] of [
      [bob, { paused: false, quietHours: { from: '22:00', until: '07:00', timeZone: 'Europe/Berlin' } }],
      [bob, { paused: true, quietHours: { from: '23:00', until: '06:30', timeZone: 'Europe/Berlin' } }],
      [alice, { paused: true }],
    ] as const) {
      const set = await client.send('notices.setPreferences', { commandId: randomUUID(), ...choice });
      if (!set.ok) throw new Error(JSON.stringify(set));
    }
    // alice and bob hide their presence; bob shows it again (no row left for him)
    for (const [client, visible] of [[alice, false], [bob, false], [bob, true]] as const) {
      const set = await client.send('rooms.setPresenceVisible', { commandId: randomUUID(), visible });
      if (!set.ok) throw new Error(JSON.stringify(set));
    }
    const read = await bob.send('rooms.markRead', { commandId: randomUUID(), roomId, position: await headPosition(app.url) });
    if (!read.ok) throw new Error(JSON.stringify(read));
    await fran.send('rooms.remove', { commandId: randomUUID(), roomId, userId: 'alice', reason: 'left the program' });
    // open hours set, then changed (the last kept)
    for (const day of ['mon', 'tue']) {
      const set = await fran.send('rooms.setOpenHours', { commandId: randomUUID(), roomId, openHours: { timeZone: 'Europe/Berlin', windows: [{ day, from: '18:00', until: '20:00' }] } });
      if (!set.ok) throw new Error(JSON.stringify(set));
    }
    const head = await headPosition(app.url);
    closeAllClients();
    await app.stop();

    const live = await dumpTables(data, READ_MODEL_TABLES);
    expect(live.room_messages).toHaveLength(22);
    expect(live.room_pins).toHaveLength(1);
    expect(live.room_pins[0]).toContain(pinned[0]);
    expect(live.room_read_marks).toHaveLength(1);
    expect(live.room_away_notices_off).toHaveLength(1);
    expect(live.room_away_notices_off[0]).toContain('bob');
    expect(live.room_agreements).toEqual([expect.stringContaining('"version":2')]);
    expect(live.room_agreement_acceptances).toEqual([expect.stringContaining('"user_id":"bob"')]);
    expect(live.hidden_people).toHaveLength(1);
    expect(live.hidden_people[0]).toContain('"user_id":"alice","hidden_user_id":"bob"');
    expect(live.notice_preferences).toHaveLength(2);
    expect(live.room_open_hours).toEqual([expect.stringContaining('tue')]);
    expect(live.presence_hidden).toEqual([expect.stringContaining('"user_id":"alice"')]);
    expect(live.notice_preferences.join()).toContain('"user_id":"bob","paused":1,"quiet_from":"pd:v1:');
    const { stdout } = await promisify(execFile)(process.execPath, [cli, '--all'], {
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', JWT_SECRET: TEST_JWT_SECRET, ...data.env },
    });
    expect(stdout).toMatch(new RegExp(`room_messages: ${head} events in [0-9.]+ s \\([0-9]+ events/s\\)`));
    expect(await dumpTables(data, READ_MODEL_TABLES)).toEqual(live);
  });
});
