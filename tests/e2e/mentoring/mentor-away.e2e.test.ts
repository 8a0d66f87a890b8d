import { randomUUID } from 'node:crypto';
import type { AppProcess } from '../../support/app-process';
import { connect, settle, type TestClient, type WireEvent } from '../../support/sockets';
import { headPosition, STORES } from '../../support/stores';
import { accepted, httpGet, oneAppPerFile, refused } from '../rooms/rooms-helpers';
import { advanceClock } from '../../support/test-clock';

/*
 * A mentor steps back without leaving (docs/PROTOCOL.md, "Mentor pairing", Away): while away they are offered no
 * request, live, on catch-up or in their list, and they come back when they say so or at the time they gave. One app
 * per store for the file, so every test names its own people.
 */

const wishes = { topics: ['sleep'], availability: 'weekday evenings', note: null, language: 'en' };
let seq = 0;
const someone = (name: string) => `${name}-${++seq}-${randomUUID().slice(0, 6)}`;
const about = (requestId: string) => (e: WireEvent) => e.data.requestId === requestId;
const awaySet = (client: TestClient) => client.events.filter((e) => e.type === 'MentorAwaySet');

describe.each(STORES)('mentors away on %s', (store) => {
  let app: AppProcess;
  oneAppPerFile(store, (started) => (app = started));

  const openRequestIds = async (client: TestClient) => ((await httpGet(app, client, '/mentoring/requests')).body.data as { requestId: string }[]).map((r) => r.requestId);
  const ask = async () => {
    const pat = await connect(app, someone('pat'), 'participant');
    return (await accepted<{ requestId: string }>(pat, 'mentoring.request', wishes)).requestId;
  };

  it('an away mentor is offered no request, live, in their list or on catch-up; back, they find the open ones', async () => {
    const maria = await connect(app, someone('maria'), 'mentor');
    const sam = await connect(app, someone('sam'), 'mentor');
    const before = await headPosition(app.url);
    const stepped = await accepted(maria, 'mentoring.setAway', { away: true });
    expect(stepped.position).not.toBeNull();
    expect((await httpGet(app, maria, '/mentoring/away')).body.data).toEqual({ away: true, until: null });

    const requestId = await ask();
    await sam.waitForEvent(about(requestId));
    await settle();
    expect(maria.events.filter(about(requestId))).toEqual([]);
    expect(await openRequestIds(maria)).toEqual([]);
    expect(await openRequestIds(sam)).toContain(requestId);
    const mariaLater = await connect(app, maria.userId, 'mentor', { lastPosition: before });
    await settle();
    expect(mariaLater.events.filter(about(requestId))).toEqual([]);

    // back: the request is in her list and on a catch-up, and what becomes of it reaches her live
    await accepted(maria, 'mentoring.setAway', { away: false });
    expect((await httpGet(app, maria, '/mentoring/away')).body.data).toEqual({ away: false, until: null });
    expect(await openRequestIds(maria)).toContain(requestId);
    const mariaBack = await connect(app, maria.userId, 'mentor', { lastPosition: before });
    await mariaBack.waitForEvent(about(requestId));
    await accepted(sam, 'mentoring.accept', { requestId });
    await maria.waitForEvent((e) => e.type === 'MentorRequestTaken' && e.data.requestId === requestId);
  });

  it('being away is told to that mentor alone; the same again appends nothing; anyone else gets null from /mentoring/away', async () => {
    const maria = await connect(app, someone('maria'), 'mentor');
    const sam = await connect(app, someone('sam'), 'mentor');
    const kim = await connect(app, someone('dr-kim'), 'clinician');
    const pat = await connect(app, someone('pat'), 'participant');
    await accepted(maria, 'mentoring.setAway', { away: true });
    await maria.waitForEvent((e) => e.type === 'MentorAwaySet');
    expect(awaySet(maria)[0].data).toMatchObject({ mentorId: maria.userId, away: true, until: null });
    expect(await accepted(maria, 'mentoring.setAway', { away: true })).toMatchObject({ position: null, events: [] });
    await settle();
    for (const other of [sam, kim, pat]) expect(awaySet(other)).toEqual([]);
    expect((await httpGet(app, pat, '/mentoring/away')).body.data).toBeNull();
    expect((await httpGet(app, kim, '/mentoring/away')).body.data).toBeNull();
  });

  it('away until a time: the system brings the mentor back then, and requests reach them again', async () => {
    const maria = await connect(app, someone('maria'), 'mentor');
    // the app's clock (a test clock other tests may have moved), read off the first setting's time
    await accepted(maria, 'mentoring.setAway', { away: true });
    const { setAt } = (await maria.waitForEvent((e) => e.type === 'MentorAwaySet')).data as { setAt: string };
    const until = new Date(Date.parse(setAt) + 2 * 3_600_000).toISOString();
    await accepted(maria, 'mentoring.setAway', { away: true, until });
    expect((await httpGet(app, maria, '/mentoring/away')).body.data).toEqual({ away: true, until });
    const whileAway = await ask();

    await advanceClock(app, 2 * 3_600_000 + 1000);
    const back = await maria.waitForEvent((e) => e.type === 'MentorAwaySet' && e.data.away === false);
    expect(back).toMatchObject({ actorId: 'system', data: { mentorId: maria.userId, away: false, until: null } });
    expect((await httpGet(app, maria, '/mentoring/away')).body.data).toEqual({ away: false, until: null });
    expect(await openRequestIds(maria)).toContain(whileAway);
    const next = await ask();
    await maria.waitForEvent(about(next));
    await settle();
    // brought back once, however many polls saw it due
    expect(awaySet(maria).filter((e) => e.data.away === false)).toHaveLength(1);
  });

  it('only a mentor steps back, their own, until a time ahead and within a year; nothing refused is stored', async () => {
    const maria = await connect(app, someone('maria'), 'mentor');
    const pat = await connect(app, someone('pat'), 'participant');
    await refused(app, pat, 'mentoring.setAway', { away: true }, 'MENTORING.FORBIDDEN');
    const past = await refused(app, maria, 'mentoring.setAway', { away: true, until: '2020-01-01T00:00:00Z' }, 'MENTORING.INVALID_REQUEST');
    expect(past.details).toEqual({ field: 'until' });
    await refused(app, maria, 'mentoring.setAway', { away: true, until: '2999-01-01T00:00:00Z' }, 'MENTORING.INVALID_REQUEST');
    await refused(app, maria, 'mentoring.setAway', { away: false, until: '2999-01-01T00:00:00Z' }, 'MENTORING.INVALID_REQUEST');
    await refused(app, maria, 'mentoring.setAway', { away: true, until: 'next tuesday' }, 'VALIDATION.FAILED');
    await refused(app, maria, 'mentoring.setAway', { away: 'yes' }, 'VALIDATION.FAILED');
    await refused(app, maria, 'mentoring.setAway', {}, 'VALIDATION.FAILED');
    expect((await httpGet(app, maria, '/mentoring/away')).body.data).toEqual({ away: false, until: null });
  });
});
