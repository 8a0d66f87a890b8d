import { randomUUID } from 'node:crypto';
import type { AppData, AppProcess } from '../../support/app-process';
import { readLog } from '../../support/event-log';
import { connect, settle, type TestClient } from '../../support/sockets';
import { STORES } from '../../support/stores';
import { accepted, httpGet, oneAppPerFile, refused } from '../rooms/rooms-helpers';

/*
 * Mentors name the topics they are glad to mentor on (docs/PROTOCOL.md, "Mentor pairing"). Topics choose nothing: a
 * mentor's list of open requests is ranked by the topics each shares with theirs, and says which. A mentor's topics
 * are theirs alone: sealed in the log, shown to nobody else. One app per store for the file, so every test names its
 * own people and topics.
 */

let seq = 0;
const someone = (name: string) => `${name}-${++seq}-${randomUUID().slice(0, 6)}`;
const unique = (word: string) => `${word} ${randomUUID().slice(0, 6)}`;

describe.each(STORES)('mentor topics on %s', (store) => {
  let app: AppProcess;
  let data: AppData;
  oneAppPerFile(store, (started) => {
    app = started;
    data = started.data;
  });

  const ask = async (topics: string[]) => {
    const pat = await connect(app, someone('pat'), 'participant');
    return (await accepted<{ requestId: string }>(pat, 'mentoring.request', { topics, language: 'en', availability: 'evenings', note: null })).requestId;
  };
  const listOf = async (mentor: TestClient) => (await httpGet(app, mentor, '/mentoring/requests')).body.data as { requestId: string; matchingTopics: string[] }[];

  it("a mentor's topics rank their list, most shared first and oldest first among equals, each request saying which it shares", async () => {
    const [grief, sleep, anxiety] = [unique('grief'), unique('sleep'), unique('anxiety')];
    const maria = await connect(app, someone('maria'), 'mentor');
    const tom = await connect(app, someone('tom'), 'mentor');
    await accepted(maria, 'mentoring.setTopics', { topics: [` ${grief.toUpperCase()} `, sleep, grief] });
    expect((await httpGet(app, maria, '/mentoring/topics')).body.data).toEqual({ topics: [grief.toUpperCase(), sleep] });

    const none = await ask([anxiety]);
    const both = await ask([sleep, grief]);
    const one = await ask([grief]);
    const ours = (list: { requestId: string }[]) => list.filter((r) => [none, both, one].includes(r.requestId));
    expect(ours(await listOf(maria))).toEqual([
      expect.objectContaining({ requestId: both, matchingTopics: [sleep, grief] }),
      expect.objectContaining({ requestId: one, matchingTopics: [grief] }),
      expect.objectContaining({ requestId: none, matchingTopics: [] }),
    ]);
    // a mentor with no topics sees the same requests, oldest first, sharing none
    expect(ours(await listOf(tom))).toEqual([none, both, one].map((requestId) => expect.objectContaining({ requestId, matchingTopics: [] })));

    // clearing them: nothing shared, oldest first again
    await accepted(maria, 'mentoring.setTopics', { topics: [] });
    expect(ours(await listOf(maria)).map((r) => r.requestId)).toEqual([none, both, one]);
  });

  it("a mentor's topics are theirs alone: sealed in the log, sent to them only, and refused from anyone else or out of bounds", async () => {
    const secret = unique('opioid recovery');
    const maria = await connect(app, someone('maria'), 'mentor');
    const tom = await connect(app, someone('tom'), 'mentor');
    const kim = await connect(app, someone('dr-kim'), 'clinician');
    await accepted(maria, 'mentoring.setTopics', { topics: [secret] });
    const told = await maria.waitForEvent((e) => e.type === 'MentorTopicsSet');
    expect(told.data).toEqual({ mentorId: maria.userId, topics: [secret], setAt: expect.any(String) });
    await settle();
    for (const other of [tom, kim]) expect(JSON.stringify(other.events)).not.toContain(secret);
    expect((await httpGet(app, tom, '/mentoring/topics')).body.data).toEqual({ topics: [] });
    expect((await httpGet(app, kim, '/mentoring/topics')).body.data).toEqual({ topics: null });
    expect(JSON.stringify(await readLog(data, { sealed: true }))).not.toContain(secret);
    expect(JSON.stringify(await readLog(data))).toContain(secret);

    const pat = await connect(app, someone('pat'), 'participant');
    await refused(app, pat, 'mentoring.setTopics', { topics: ['sleep'] }, 'MENTORING.FORBIDDEN');
    for (const topics of [['x'.repeat(41)], ['  '], Array.from({ length: 21 }, (_, i) => `topic ${i}`)]) {
      expect((await refused(app, maria, 'mentoring.setTopics', { topics }, 'MENTORING.INVALID_REQUEST')).details).toEqual({ field: 'topics' });
    }
    await refused(app, maria, 'mentoring.setTopics', { topics: 'sleep' }, 'VALIDATION.FAILED');
  });
});
