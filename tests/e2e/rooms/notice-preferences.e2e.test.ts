import { randomUUID } from 'node:crypto';
import type { AppProcess } from '../../support/app-process';
import { readLog } from '../../support/event-log';
import { noticeProblems, rolesInLog } from '../../support/notice-rules';
import { connect, settle } from '../../support/sockets';
import { caughtUp, STORES } from '../../support/stores';
import { advanceClock } from '../../support/test-clock';
import { until, type WebhookReceiver } from '../../support/webhook-receiver';
import { accepted, connectFamily, freshGroup, httpGet, httpPost, oneAppWithPushGatewayPerFile, post, refused } from './rooms-helpers';

/*
 * A person's notice preferences (notices.setPreferences): paused (nothing sent to their devices while away) and quiet
 * hours on their own clock, for everything Haven tells people who are away; theirs alone to read; the quiet hours
 * sealed with their key.
 */

const AFTER_SECONDS = 30;
const WAIT_ENDED_MS = AFTER_SECONDS * 1000 + 1000;
const night = { from: '22:00', until: '07:00', timeZone: 'America/Chicago' };
/** HH:MM of `at` in UTC */
const utcClock = (at: Date) => at.toISOString().slice(11, 16);

describe.each(STORES)("a person's notice preferences on %s", (store) => {
  let app: AppProcess;
  let gateway: WebhookReceiver;
  // one app for the file: each test's people have ids of their own, so notices are told apart by whom they name
  oneAppWithPushGatewayPerFile(store, AFTER_SECONDS, (started, receiver) => ([app, gateway] = [started, receiver]));
  const toldOf = (run: string) => gateway.received.filter((notice) => String(notice.json.userId).endsWith(`-${run}`)).map((notice) => notice.json.userId);
  const preferencesOf = async (client: Parameters<typeof httpGet>[1]) => {
    const answer = await httpGet(app, client, '/me/notice-preferences');
    expect(answer.status).toBe(200);
    return answer.body.data;
  };

  it('are set by the person, reach their other devices and nobody else, read back, and quiet hours are sealed in the log', async () => {
    const run = randomUUID().slice(0, 6);
    const pat = await connect(app, `pat-${run}`, 'participant');
    const patsPhone = await connect(app, `pat-${run}`, 'participant');
    const [kim, ada, bob] = [await connect(app, `kim-${run}`, 'clinician'), await connect(app, `ada-${run}`, 'admin'), await connect(app, `bob-${run}`, 'participant')];
    expect(await preferencesOf(pat)).toEqual({ paused: false, quietHours: null });

    const ack = await accepted(pat, 'notices.setPreferences', { paused: false, quietHours: night });
    expect(ack.events.map((e: { type: string }) => e.type)).toEqual(['NoticePreferencesSet']);
    const delivered = await patsPhone.waitForEvent((e) => e.type === 'NoticePreferencesSet');
    expect(delivered).toMatchObject({ streamId: `notice-preferences-pat-${run}`, actorId: `pat-${run}`, data: { userId: `pat-${run}`, paused: false, quietHours: night } });
    expect(await preferencesOf(pat)).toEqual({ paused: false, quietHours: night });
    // the same choice without quiet hours changes nothing (with them, each is recorded: the log holds them sealed)
    expect((await accepted(bob, 'notices.setPreferences', { paused: false, quietHours: null })).events).toEqual([]);

    // not staff, not another participant: live, or on catch-up from the log's start
    await settle(200);
    for (const other of [kim, ada, bob]) expect(other.events.filter((e) => e.type === 'NoticePreferencesSet')).toEqual([]);
    const kimAgain = await connect(app, `kim-${run}`, 'clinician', { lastPosition: delivered.position - 1 });
    const patAgain = await connect(app, `pat-${run}`, 'participant', { lastPosition: delivered.position - 1 });
    await patAgain.waitForEvent((e) => e.type === 'NoticePreferencesSet');
    expect(kimAgain.events.filter((e) => e.type === 'NoticePreferencesSet')).toEqual([]);
    expect(await preferencesOf(bob)).toEqual({ paused: false, quietHours: null });

    // when someone sleeps and where they live are sealed with their key
    const stored = (await readLog(app.data, { sealed: true })).find((e) => e.position === delivered.position)!;
    expect(stored.data.paused).toBe(false);
    for (const value of Object.values(stored.data.quietHours as Record<string, string>)) expect(value).toMatch(/^pd:v1:/);
    expect(JSON.stringify(stored.data)).not.toContain('Chicago');

    // an erasure empties them: none, as the notices read them; paused stays what it was
    await accepted(pat, 'notices.setPreferences', { paused: true, quietHours: night });
    expect((await httpPost(app, ada, `/people/${encodeURIComponent(pat.userId)}/erasure`, { commandId: randomUUID() })).status).toBe(200);
    expect(await preferencesOf(pat)).toEqual({ paused: true, quietHours: null });
  });

  it('refuses what is not a time, hours quiet all day, unknown zones and fields, and family guests, storing nothing', async () => {
    const run = randomUUID().slice(0, 6);
    const pat = await connect(app, `pat-${run}`, 'participant');
    const fieldsOf = (error: { details: { errors: { property: string }[] } }) => error.details.errors.map((field) => field.property);
    const wrong = async (quietHours: unknown, paused: unknown = false) =>
      fieldsOf(await refused(app, pat, 'notices.setPreferences', { paused, quietHours }, 'VALIDATION.FAILED'));
    expect(await wrong({ ...night, from: '24:00' })).toEqual(['quietHours.from']);
    expect(await wrong({ ...night, until: '7:00' })).toEqual(['quietHours.until']);
    expect(await wrong({ ...night, timeZone: 'Chicago' })).toEqual(['quietHours.timeZone']);
    expect(await wrong({ ...night, note: 'x' })).toEqual(['quietHours.note']);
    expect(await wrong({ from: '22:00', until: '07:00' })).toEqual(['quietHours.timeZone']);
    expect(await wrong('22:00-07:00')).toEqual(['quietHours']);
    expect(await wrong([])).toEqual(['quietHours']);
    expect(await wrong(null, 'yes')).toEqual(['paused']);
    const allDay = await refused(app, pat, 'notices.setPreferences', { paused: false, quietHours: { ...night, until: '22:00' } }, 'NOTICES.INVALID_QUIET_HOURS');
    expect(allDay.details).toEqual({ field: 'quietHours.until' });
    const guest = await connectFamily(app, `guest-${run}`);
    await refused(app, guest, 'notices.setPreferences', { paused: true }, 'NOTICES.FORBIDDEN');
    expect(await preferencesOf(pat)).toEqual({ paused: false, quietHours: null });
  });

  it('a person who paused is told nothing while away, one in quiet hours once they end, and each again once they change it', async () => {
    const { alice, bob, cara, dana, roomId, run } = await freshGroup(app, { alice: 'participant', bob: 'participant', cara: 'participant', dana: 'participant' });
    const now = await advanceClock(app, 0);
    // cara's quiet ends two to three minutes from now, on the clock of the zone she gave (UTC, so the test can count)
    const quietHours = { from: utcClock(new Date(now.getTime() - 60_000)), until: utcClock(new Date(now.getTime() + 3 * 60_000)), timeZone: 'UTC' };
    await accepted(bob, 'notices.setPreferences', { paused: true });
    await accepted(cara, 'notices.setPreferences', { paused: false, quietHours });
    for (const away of [bob, cara, dana]) away.close();

    await post(alice, roomId, 'walk at six?');
    await caughtUp(app.url);
    await advanceClock(app, WAIT_ENDED_MS);
    // dana chose nothing: told; bob paused, cara is in her quiet hours
    await until('the notice to dana', () => toldOf(run).includes(`dana-${run}`));
    await settle(400);
    expect(toldOf(run)).toEqual([`dana-${run}`]);

    // cara's quiet hours end while the message is still news: told then; bob still nothing
    await advanceClock(app, 3 * 60_000);
    await until('the notice to cara', () => toldOf(run).includes(`cara-${run}`));
    await settle(400);
    expect(toldOf(run)).toEqual([`dana-${run}`, `cara-${run}`]);

    // bob resumes: told of what waits for him from then on
    const bobAgain = await connect(app, `bob-${run}`, 'participant');
    await accepted(bobAgain, 'notices.setPreferences', { paused: false });
    bobAgain.close();
    await post(alice, roomId, 'leaving now');
    await caughtUp(app.url);
    await advanceClock(app, WAIT_ENDED_MS);
    await until('the notice to bob', () => toldOf(run).includes(`bob-${run}`));
    expect(gateway.received.find((notice) => notice.json.userId === `bob-${run}`)!.json.conversations).toEqual([
      { roomId, conversation: 'group', through: expect.any(Number), attempt: 1 },
    ]);
  });

  it("holds every kind of notice, not only a group's: a mentor who paused is not told of a request they may take", async () => {
    const run = randomUUID().slice(0, 6);
    const [maria, tom] = [await connect(app, `maria-${run}`, 'mentor'), await connect(app, `tom-${run}`, 'mentor')];
    for (const mentor of [maria, tom]) await accepted(mentor, 'mentoring.setLanguages', { languages: ['es'] });
    await accepted(maria, 'notices.setPreferences', { paused: true });
    maria.close();
    tom.close();
    const pat = await connect(app, `pat-${run}`, 'participant');
    await accepted(pat, 'mentoring.request', { topics: ['sleep'], language: 'es', availability: 'evenings' });
    await caughtUp(app.url);
    await advanceClock(app, WAIT_ENDED_MS);
    await until('the notice to tom', () => toldOf(run).includes(`tom-${run}`));
    await settle(400);
    expect(toldOf(run)).toEqual([`tom-${run}`]);
  });

  // after every test above: no notice to someone while they paused (quiet hours are this file's own checks), and the
  // rest of the rules the random audits hold notices to
  it('every notice claimed in this file kept the rules the random audits check, and was sent once', async () => {
    const log = await readLog(app.data);
    expect(log.filter((e) => e.type === 'OfflineNoticeAttempted').length).toBeGreaterThan(3);
    expect(noticeProblems(log, gateway.received.map((notice) => notice.json), rolesInLog(log), () => false)).toEqual({});
  });
});
