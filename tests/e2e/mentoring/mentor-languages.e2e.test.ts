import { randomUUID } from 'node:crypto';
import type { AppProcess } from '../../support/app-process';
import { connect, settle, type TestClient, type WireEvent } from '../../support/sockets';
import { headPosition, STORES } from '../../support/stores';
import { accepted, httpGet, oneAppPerFile, refused } from '../rooms/rooms-helpers';

/*
 * Mentors say which languages they mentor in (docs/PROTOCOL.md, "Mentor pairing"): a request reaches those who speak
 * its language and those who named none, live, on catch-up and in their list; the others never hear of it, nor of what
 * becomes of it. One app per store for the file, so every test names its own people.
 */

const wishes = { topics: ['sleep'], availability: 'weekday evenings', note: null };
let seq = 0;
const someone = (name: string) => `${name}-${++seq}-${randomUUID().slice(0, 6)}`;
const about = (requestId: string) => (e: WireEvent) => e.data.requestId === requestId;

describe.each(STORES)('mentor languages on %s', (store) => {
  let app: AppProcess;
  oneAppPerFile(store, (started) => (app = started));

  async function mentor(name: string, languages?: string[]): Promise<TestClient> {
    const client = await connect(app, someone(name), 'mentor');
    if (languages) await accepted(client, 'mentoring.setLanguages', { languages });
    return client;
  }

  const openRequestIds = async (client: TestClient) => ((await httpGet(app, client, '/mentoring/requests')).body.data as { requestId: string }[]).map((r) => r.requestId);

  it("a request in Spanish reaches the Spanish-speaking mentors and those who named no language, live, in their list and on catch-up; never the others", async () => {
    const maria = await mentor('maria', ['es', 'en']);
    const tom = await mentor('tom', ['en']);
    const sam = await mentor('sam');
    const startedAt = await headPosition(app.url);
    const pat = await connect(app, someone('pat'), 'participant');
    const { requestId } = await accepted<{ requestId: string }>(pat, 'mentoring.request', { ...wishes, language: 'es-MX' });

    await maria.waitForEvent(about(requestId));
    await sam.waitForEvent(about(requestId));
    await settle();
    expect(tom.events.filter(about(requestId))).toEqual([]);
    expect(await openRequestIds(maria)).toContain(requestId);
    expect(await openRequestIds(sam)).toContain(requestId);
    expect(await openRequestIds(tom)).not.toContain(requestId);
    const tomLater = await connect(app, tom.userId, 'mentor', { lastPosition: startedAt });
    const mariaLater = await connect(app, maria.userId, 'mentor', { lastPosition: startedAt });
    await settle();
    expect(tomLater.events.filter(about(requestId))).toEqual([]);
    expect(mariaLater.events.filter(about(requestId)).map((e) => e.type)).toEqual(['MentorRequested']);

    // taken: the mentors it went to learn it is gone; tom, who never saw it, hears nothing
    await accepted(maria, 'mentoring.accept', { requestId });
    await sam.waitForEvent((e) => e.type === 'MentorRequestTaken' && e.data.requestId === requestId);
    await settle();
    expect(tom.events.filter(about(requestId))).toEqual([]);
  });

  it('a mentor who takes up a language finds its open requests in their list; one who clears theirs mentors in every language', async () => {
    const tom = await mentor('tom', ['en']);
    const pat = await connect(app, someone('pat'), 'participant');
    const { requestId } = await accepted<{ requestId: string }>(pat, 'mentoring.request', { ...wishes, language: 'tl' });
    expect(await openRequestIds(tom)).not.toContain(requestId);
    await accepted(tom, 'mentoring.setLanguages', { languages: ['en', 'fil'] });
    expect(await openRequestIds(tom)).not.toContain(requestId);
    await accepted(tom, 'mentoring.setLanguages', { languages: ['en', 'tl'] });
    expect(await openRequestIds(tom)).toContain(requestId);
    expect((await httpGet(app, tom, '/mentoring/languages')).body.data).toEqual({ languages: ['en', 'tl'] });
    await accepted(tom, 'mentoring.setLanguages', { languages: [] });
    expect((await httpGet(app, tom, '/mentoring/languages')).body.data).toEqual({ languages: [] });
    // the same languages again: acked, nothing appended
    const again = await accepted(tom, 'mentoring.setLanguages', { languages: [] });
    expect(again).toMatchObject({ position: null, events: [] });
  });

  it('only a mentor sets languages, their own, as language tags; nothing refused is stored', async () => {
    const pat = await connect(app, someone('pat'), 'participant');
    // a mentor's first connection is noted (MentorSeen) before they are ready
    const tom = await connect(app, someone('tom'), 'mentor');
    const head = await headPosition(app.url);
    await refused(app, pat, 'mentoring.setLanguages', { languages: ['en'] }, 'MENTORING.FORBIDDEN');
    await refused(app, tom, 'mentoring.setLanguages', { languages: ['English please'] }, 'MENTORING.INVALID_REQUEST');
    await refused(app, tom, 'mentoring.setLanguages', { languages: 'en' }, 'VALIDATION.FAILED');
    expect(await headPosition(app.url)).toBe(head);
    expect((await httpGet(app, pat, '/mentoring/languages')).body.data).toEqual({ languages: null });
  });
});
