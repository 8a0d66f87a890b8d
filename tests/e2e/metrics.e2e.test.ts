import { AppProcess, freePort, freshData } from '../support/app-process';
import { closeAllClients, connect } from '../support/sockets';
import { redeem, scheduleSession } from './family-sessions/family-helpers';
import { accepted, command, createRoom, joinAll, post } from './rooms/rooms-helpers';

/*
 * Prometheus metrics on METRICS_PORT (README, "Configuration"): positions, connections and event counts of this node,
 * and nothing that names a person, a room or what was said.
 */

/** the value of one sample line, e.g. `haven_sockets_connected` or `haven_events_processed_total{type="MessagePosted"}` */
const sample = (text: string, name: string): number | undefined => {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
};

describe('metrics', () => {
  let app: AppProcess;
  let metricsUrl: string;
  beforeAll(async () => {
    const port = await freePort();
    metricsUrl = `http://127.0.0.1:${port}/metrics`;
    app = await AppProcess.start(freshData('sqlite'), { METRICS_PORT: String(port), ROOM_ACTIVITY_LIMIT_SCALE: '1' });
  });
  afterAll(async () => {
    closeAllClients();
    await app?.stop();
  });

  it('counts what this node delivered and who is connected, names nobody, and serves nothing else', async () => {
    const fran = await connect(app, 'fran-metrics', 'facilitator');
    const alice = await connect(app, 'alice-metrics', 'participant');
    const roomId = await createRoom(fran, { name: 'Thursday group' });
    await joinAll(roomId, alice);
    const { position } = await post(alice, roomId, 'a private thought about my week');
    // one post past the limit of 15 in 15 s, and one "I need help now"
    const posts = await Promise.all(Array.from({ length: 16 }, (_, i) => command(fran, 'rooms.post', { roomId, text: `note ${i}` })));
    expect(posts.filter((ack) => !ack.ok).map((ack) => !ack.ok && ack.error.code)).toEqual(['ROOM.RATE_LIMITED']);
    expect(await command(alice, 'safety.helpNow', { conversationKind: 'room', conversationId: roomId })).toMatchObject({ ok: true });

    const response = await fetch(metricsUrl);
    expect(response.status).toBe(200);
    const text = await response.text();
    expect({
      sockets: sample(text, 'haven_sockets_connected'),
      up: sample(text, 'haven_log_follower_up'),
      followerAtPost: (sample(text, 'haven_log_follower_position') ?? 0) > position,
      head: sample(text, 'haven_event_store_head_position') === sample(text, 'haven_log_follower_position'),
      posted: sample(text, 'haven_events_processed_total{type="MessagePosted"}'),
      limited: sample(text, 'haven_rate_limited_total{activity="message"}'),
      openAlerts: sample(text, 'haven_safety_alerts_open{status="raised",escalated="no"}'),
      joined: sample(text, 'haven_events_processed_total{type="MemberJoined"}'),
      processMemory: (sample(text, 'haven_process_resident_memory_bytes') ?? 0) > 0,
    }).toEqual({ sockets: 2, up: 1, followerAtPost: true, head: true, posted: 16, limited: 1, openAlerts: 1, joined: 1, processMemory: true });
    for (const secret of ['fran-metrics', 'alice-metrics', roomId, 'Thursday group', 'private thought']) expect(text).not.toContain(secret);

    expect((await fetch(metricsUrl.replace('/metrics', '/health'))).status).toBe(404);
    // and the API's own port has no /metrics
    expect((await fetch(`${app.url}/metrics`)).status).toBe(404);
  });

  it('tells what waits for a person: mentor requests nobody took, mentors away and family members not let in yet, by count only', async () => {
    const pat = await connect(app, 'pat-metrics', 'participant');
    const kim = await connect(app, 'kim-metrics', 'clinician');
    const maria = await connect(app, 'maria-metrics', 'mentor');
    await accepted(pat, 'mentoring.request', { topics: ['sleep'], language: 'en', availability: 'evenings' });
    await accepted(maria, 'mentoring.setAway', { away: true });
    const { sessionId } = await scheduleSession(kim, pat, 1);
    const { code } = await accepted<{ code: string }>(pat, 'family.invite', { sessionId, inviteeLabel: 'Grandma Rose' });
    expect((await redeem(app, code)).status).toBe(200);

    const text = await (await fetch(metricsUrl)).text();
    const oldestWait = sample(text, 'haven_mentor_request_oldest_wait_seconds') ?? -1;
    expect({
      requestsOpen: sample(text, 'haven_mentor_requests_open'),
      oldestWaitSane: oldestWait >= 0 && oldestWait < 60,
      mentorsAway: sample(text, 'haven_mentors_away'),
      familyWaiting: sample(text, 'haven_family_guests_waiting'),
    }).toEqual({ requestsOpen: 1, oldestWaitSane: true, mentorsAway: 1, familyWaiting: 1 });
    for (const secret of ['pat-metrics', 'kim-metrics', 'maria-metrics', sessionId, 'Grandma Rose']) expect(text).not.toContain(secret);
  });
});
