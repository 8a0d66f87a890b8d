import { randomUUID } from 'node:crypto';
import type { AppProcess } from '../../support/app-process';
import { connect, settle, type TestClient, type WireEvent } from '../../support/sockets';
import { headPosition, STORES } from '../../support/stores';
import { accepted, command, connectFamily, history, httpGet, oneAppPerFile, post, refused, streamOf, waitInRoom } from '../rooms/rooms-helpers';
import { advanceClock } from '../../support/test-clock';

/*
 * Mentor pairing end to end (docs/PROTOCOL.md, "Mentor pairing"): real sockets, the real app, each store. One app per
 * store for the file, so every test names its own participant (a participant has one open request at a time) and
 * looks for its own request by id: mentors see every test's requests.
 */

const CRISIS_TEXT = 'honestly I want to end my life, I have a plan for tonight';
const wishes = { topics: ['sleep', 'returning to work'], language: 'en', availability: 'weekday evenings', note: 'I am new to the program' };

let seq = 0;
const someone = (name: string) => `${name}-${++seq}-${randomUUID().slice(0, 6)}`;

const isRequest = (requestId: string, type = 'MentorRequested') => (e: WireEvent) => e.type === type && e.data.requestId === requestId;
const mentoringEventsOf = (client: TestClient, requestId: string) => client.events.filter((e) => e.data.requestId === requestId);

describe.each(STORES)('mentor pairing on %s', (store) => {
  let app: AppProcess;
  oneAppPerFile(store, (started) => (app = started));

  /** a fresh participant asks for a mentor; resolves with their socket and the request id */
  async function participantAsking(extra: Record<string, unknown> = {}) {
    const participant = await connect(app, someone('pat'), 'participant');
    const { requestId } = await accepted<{ requestId: string }>(participant, 'mentoring.request', { ...wishes, ...extra });
    return { participant, requestId };
  }

  /** a participant paired with a mentor; resolves with both, the pairing and its room */
  async function pairedUp() {
    const mentor = await connect(app, someone('mentor'), 'mentor');
    const { participant, requestId } = await participantAsking();
    await mentor.waitForEvent(isRequest(requestId));
    const pairing = await accepted<{ pairingId: string; roomId: string; participantId: string }>(mentor, 'mentoring.accept', { requestId });
    await participant.waitForEvent((e) => e.type === 'PairRoomOpened' && e.streamId === streamOf(pairing.roomId));
    return { participant, mentor, requestId, ...pairing };
  }

  it('every mentor sees a request live without who asks; other participants, facilitators and family see nothing', async () => {
    const mona = await connect(app, someone('mona'), 'mentor');
    const max = await connect(app, someone('max'), 'mentor');
    const cleo = await connect(app, someone('cleo'), 'clinician');
    const ada = await connect(app, someone('ada'), 'admin');
    const bob = await connect(app, someone('bob'), 'participant');
    const fran = await connect(app, someone('fran'), 'facilitator');
    const headBefore = await headPosition(app.url);
    const { participant, requestId } = await participantAsking();
    const family = await connectFamily(app, participant.userId);

    for (const mentor of [mona, max]) {
      const seen = await mentor.waitForEvent(isRequest(requestId));
      expect(seen).toMatchObject({ streamId: 'mentor-requests', actorId: 'anonymous', data: { requestId, ...wishes } });
      expect(JSON.stringify(seen)).not.toContain(participant.userId);
    }
    // the participant, clinicians and admins see it as stored, live and on catch-up
    const adasTablet = await connect(app, ada.userId, 'admin', { lastPosition: headBefore });
    for (const full of [participant, cleo, ada, adasTablet]) {
      const seen = await full.waitForEvent(isRequest(requestId));
      expect(seen).toMatchObject({ actorId: participant.userId, data: { participantId: participant.userId, ...wishes } });
    }
    await settle();
    for (const outsider of [bob, fran, family]) expect(mentoringEventsOf(outsider, requestId)).toEqual([]);

    // the same over HTTP: mentors list it without who asks, the participant lists their own, others nothing
    const listed = await httpGet(app, mona, '/mentoring/requests');
    expect(listed.body.data).toContainEqual({ requestId, ...wishes, requestedAt: expect.any(String), openUntil: expect.any(String), position: expect.any(Number), matchingTopics: [] });
    expect(JSON.stringify(listed.body)).not.toContain(participant.userId);
    expect((await httpGet(app, participant, '/mentoring/requests')).body.data).toEqual([expect.objectContaining({ requestId, status: 'open' })]);
    expect((await httpGet(app, bob, '/mentoring/requests')).body.data).toEqual([]);
    expect((await httpGet(app, fran, '/mentoring/requests')).body.data).toEqual([]);
  });

  it('the first mentor to accept gets the pairing and a private room; the other learns only that it was taken', async () => {
    const mona = await connect(app, someone('mona'), 'mentor');
    const max = await connect(app, someone('max'), 'mentor');
    const cleo = await connect(app, someone('cleo'), 'clinician');
    const bob = await connect(app, someone('bob'), 'participant');
    const { participant, requestId } = await participantAsking();
    await Promise.all([mona, max].map((m) => m.waitForEvent(isRequest(requestId))));

    // both accept at once: the participant's stream decides, one wins
    const acks = await Promise.all([mona, max].map((m) => command(m, 'mentoring.accept', { requestId })));
    expect(acks.filter((a) => a.ok)).toHaveLength(1);
    expect(acks.find((a) => !a.ok)).toMatchObject({ ok: false, error: { code: 'MENTORING.REQUEST_TAKEN' } });
    const winner = acks[0].ok ? mona : max;
    const loser = winner === mona ? max : mona;
    const { pairingId, roomId, participantId } = (acks.find((a) => a.ok) as { data: { pairingId: string; roomId: string; participantId: string } }).data;
    expect(participantId).toBe(participant.userId);

    for (const party of [participant, winner, cleo]) {
      await party.waitForEvent((e) => e.type === 'PairingStarted' && e.data.pairingId === pairingId);
    }
    const taken = await loser.waitForEvent(isRequest(requestId, 'MentorRequestTaken'));
    expect(taken).toMatchObject({ streamId: 'mentor-requests', actorId: 'anonymous', data: { requestId } });
    expect(JSON.stringify(taken)).not.toContain(participant.userId);
    expect(JSON.stringify(taken)).not.toContain(winner.userId);

    // the pair's room: both are in it from the start, and only they hear what is said there
    for (const party of [participant, winner]) await waitInRoom(party, roomId, 'PairRoomOpened');
    const { messageId } = await post(participant, roomId, 'hi, thanks for taking this');
    await waitInRoom(winner, roomId, 'MessagePosted', (e) => e.data.messageId === messageId);
    await post(winner, roomId, 'glad to, how has your week been?');
    await settle();
    for (const outsider of [loser, cleo, bob]) expect(outsider.events.filter((e) => e.streamId === streamOf(roomId))).toEqual([]);
    expect(await history(app, participant, roomId)).toHaveLength(2);
    expect((await httpGet(app, bob, `/rooms/${roomId}/messages`)).status).toBe(403);

    // nobody else gets in, and the pair cannot change the room into something else
    await refused(app, bob, 'rooms.join', { roomId }, 'ROOM.PAIR_ROOM');
    await refused(app, participant, 'rooms.leave', { roomId }, 'ROOM.PAIR_ROOM');
    // the pairing lists its room; the room list never shows pair rooms, not even to staff
    expect((await httpGet(app, participant, '/mentoring/pairings')).body.data).toEqual([
      expect.objectContaining({ pairingId, roomId, mentorId: winner.userId, status: 'active' }),
    ]);
    expect((await httpGet(app, cleo, '/rooms')).body.data.map((r: { roomId: string }) => r.roomId)).not.toContain(roomId);
  });

  it("a report in a pair room reaches clinicians with the reported message, and nothing else of the pair's talk", async () => {
    const mona = await connect(app, someone('mona'), 'mentor');
    const cleo = await connect(app, someone('cleo'), 'clinician');
    const { participant, requestId } = await participantAsking();
    await mona.waitForEvent(isRequest(requestId));
    const { roomId } = await accepted<{ roomId: string }>(mona, 'mentoring.accept', { requestId });
    await waitInRoom(participant, roomId, 'PairRoomOpened');
    await post(participant, roomId, 'can we talk about my week?');
    const { messageId } = await post(mona, roomId, 'send me your home address and a photo');
    await waitInRoom(participant, roomId, 'MessagePosted', (e) => e.data.messageId === messageId);

    const { reportId } = await accepted<{ reportId: string }>(participant, 'rooms.report', { roomId, messageId, reason: 'this feels wrong' });
    await cleo.waitForEvent((e) => e.type === 'MessageReported' && e.data.reportId === reportId);
    // the clinician reads the reported message in the queue, not the pair's history
    const queue = await httpGet(app, cleo, `/rooms/${roomId}/reports?status=open`);
    expect(queue.body.data).toEqual([
      expect.objectContaining({ reportId, messageId, authorId: mona.userId, message: expect.objectContaining({ messageId, text: 'send me your home address and a photo' }) }),
    ]);
    expect(JSON.stringify(queue.body)).not.toContain('can we talk about my week?');
    expect((await httpGet(app, cleo, `/rooms/${roomId}/messages`)).status).toBe(403);
    // no room list shows a pair's room: the queue across rooms is where a clinician finds its reports
    const everywhere = await httpGet(app, cleo, '/moderation/reports?status=open');
    expect(everywhere.body.data).toContainEqual(
      expect.objectContaining({ roomId, roomKind: 'mentor_pair', reportId, message: expect.objectContaining({ text: 'send me your home address and a photo' }) }),
    );
    // nor does the reported mentor read the report, in the room or across rooms
    expect((await httpGet(app, mona, `/rooms/${roomId}/reports`)).status).toBe(403);
    expect((await httpGet(app, mona, '/moderation/reports')).body.data).toEqual([]);

    await accepted(cleo, 'rooms.redact', { roomId, messageId, reason: 'asks for personal details' });
    await waitInRoom(participant, roomId, 'MessageRedacted', (e) => e.data.messageId === messageId);
    await accepted(cleo, 'rooms.resolveReport', { roomId, reportId, outcome: 'message_redacted', note: 'spoke with the mentor' });
    await participant.waitForEvent((e) => e.type === 'ReportResolved' && e.data.reportId === reportId);
    const open = (await httpGet(app, cleo, '/moderation/reports?status=open')).body.data as { reportId: string }[];
    expect(open.map((r) => r.reportId)).not.toContain(reportId);

    // crisis words in the pair's room: the clinician's safety queue says which kind of room it came from
    const held = await accepted<{ alertId: string }>(participant, 'rooms.post', { roomId, text: 'I want to kill myself' });
    const alerts = (await httpGet(app, cleo, '/safety/alerts?status=raised')).body.data as { alertId: string }[];
    expect(alerts.find((a) => a.alertId === held.alertId)).toMatchObject({ conversation: { kind: 'room', id: roomId, name: 'Mentor pair', type: 'mentor_pair' } });
  });

  it('a decline hides the request from that mentor only, and the participant is not told', async () => {
    const mona = await connect(app, someone('mona'), 'mentor');
    const max = await connect(app, someone('max'), 'mentor');
    const { participant, requestId } = await participantAsking();
    await mona.waitForEvent(isRequest(requestId));

    await accepted(mona, 'mentoring.decline', { requestId });
    const declined = await mona.waitForEvent(isRequest(requestId, 'MentorRequestDeclined'));
    expect(JSON.stringify(declined)).not.toContain(participant.userId);
    const ids = async (client: TestClient) => (await httpGet(app, client, '/mentoring/requests')).body.data.map((r: { requestId: string }) => r.requestId);
    expect(await ids(mona)).not.toContain(requestId);
    expect(await ids(max)).toContain(requestId);
    await settle();
    expect(participant.events.filter((e) => e.type === 'MentorRequestDeclined')).toEqual([]);
    expect(max.events.filter((e) => e.type === 'MentorRequestDeclined' && e.data.requestId === requestId)).toEqual([]);
  });

  it('ending a pairing closes its room: the history stays, nothing more is said; the reason reaches only the ender and clinicians', async () => {
    const cleo = await connect(app, someone('cleo'), 'clinician');
    const { participant, mentor, pairingId, roomId } = await pairedUp();
    await post(mentor, roomId, 'see you thursday');

    await accepted(participant, 'mentoring.end', { pairingId, reason: 'we did not click' });
    const toMentor = await mentor.waitForEvent((e) => e.type === 'PairingEnded' && e.data.pairingId === pairingId);
    expect(toMentor.data).not.toHaveProperty('reason');
    expect(JSON.stringify(toMentor)).not.toContain('did not click');
    const toClinician = await cleo.waitForEvent((e) => e.type === 'PairingEnded' && e.data.pairingId === pairingId);
    expect(toClinician.data).toMatchObject({ reason: 'we did not click', endedBy: participant.userId, rematch: false });

    for (const party of [participant, mentor]) await waitInRoom(party, roomId, 'RoomArchived');
    await refused(app, mentor, 'rooms.post', { roomId, text: 'one more thing' }, 'ROOM.ARCHIVED');
    expect((await history(app, participant, roomId)).map((m: { text: string }) => m.text)).toEqual(['see you thursday']);
    // ending it again changes nothing; a new request is allowed again
    expect(await accepted(mentor, 'mentoring.end', { pairingId })).toMatchObject({ position: null });
    await accepted(participant, 'mentoring.request', wishes);
  });

  it('a participant says how a pairing went: clinicians and admins get it live and read it, the mentor never; once per pairing', async () => {
    const cleo = await connect(app, someone('cleo'), 'clinician');
    const ada = await connect(app, someone('ada'), 'admin');
    const { participant, mentor, pairingId } = await pairedUp();
    const isFeedback = (e: WireEvent) => e.type === 'PairingFeedbackGiven' && e.data.pairingId === pairingId;

    await refused(app, mentor, 'mentoring.feedback', { pairingId, rating: 5 }, 'MENTORING.FORBIDDEN');
    await refused(app, cleo, 'mentoring.feedback', { pairingId, rating: 1 }, 'MENTORING.FORBIDDEN');
    await accepted(participant, 'mentoring.end', { pairingId });
    await accepted(participant, 'mentoring.feedback', { pairingId, rating: 4, note: 'kind, but often late' });
    const expected = { pairingId, participantId: participant.userId, mentorId: mentor.userId, rating: 4, note: 'kind, but often late', givenAt: expect.any(String) };
    for (const told of [participant, cleo, ada]) expect((await told.waitForEvent(isFeedback)).data).toEqual(expected);
    await refused(app, participant, 'mentoring.feedback', { pairingId, rating: 5 }, 'MENTORING.FEEDBACK_ALREADY_GIVEN');
    await settle();
    expect(mentor.events.filter(isFeedback)).toEqual([]);
    expect(JSON.stringify(mentor.events)).not.toContain('often late');

    expect((await httpGet(app, cleo, `/mentoring/feedback?mentorId=${mentor.userId}`)).body.data).toEqual([{ ...expected, position: expect.any(Number) }]);
    expect((await httpGet(app, ada, '/mentoring/feedback')).body.data).toContainEqual(expect.objectContaining({ pairingId, rating: 4 }));
    for (const refusedReader of [mentor, participant]) {
      expect(await httpGet(app, refusedReader, '/mentoring/feedback')).toMatchObject({ status: 403, body: { error: { code: 'MENTORING.FORBIDDEN' } } });
    }
  });

  it('crisis words in feedback: the participant gets help and on-call clinicians an alert; the feedback is kept', async () => {
    const cleo = await connect(app, someone('cleo'), 'clinician');
    const { participant, pairingId } = await pairedUp();
    const ack = await accepted(participant, 'mentoring.feedback', { pairingId, rating: 1, note: CRISIS_TEXT });
    expect(ack.help).toMatchObject({ staffNotified: true, resources: expect.any(Array) });
    const alert = await cleo.waitForEvent((e) => e.type === 'SafetyAlertRaised' && e.data.userId === participant.userId);
    expect(alert.data).toMatchObject({ source: 'mentoring_text', conversation: { kind: 'mentoring', id: participant.userId } });
    await cleo.waitForEvent((e) => e.type === 'PairingFeedbackGiven' && e.data.pairingId === pairingId);
  });

  it('a rematch ends the pairing and asks again with the same wishes; the earlier mentor never sees or takes it', async () => {
    const max = await connect(app, someone('max'), 'mentor');
    const { participant, mentor, pairingId, roomId } = await pairedUp();

    const { requestId } = await accepted<{ requestId: string }>(participant, 'mentoring.rematch', { pairingId });
    const offered = await max.waitForEvent(isRequest(requestId));
    expect(offered.data).toMatchObject({ topics: wishes.topics, language: 'en', availability: wishes.availability });
    await waitInRoom(mentor, roomId, 'RoomArchived');
    await settle();
    expect(mentor.events.filter(isRequest(requestId))).toEqual([]);
    await refused(app, mentor, 'mentoring.accept', { requestId }, 'MENTORING.EXCLUDED');
    expect((await httpGet(app, mentor, '/mentoring/requests')).body.data.map((r: { requestId: string }) => r.requestId)).not.toContain(requestId);

    const second = await accepted<{ pairingId: string; roomId: string }>(max, 'mentoring.accept', { requestId });
    expect(second.roomId).not.toBe(roomId);
    await waitInRoom(participant, second.roomId, 'PairRoomOpened');
    await post(participant, second.roomId, 'hello again');
  });

  it('crisis words in a note: the participant gets help, clinicians an alert, and no mentor ever sees the words', async () => {
    const mona = await connect(app, someone('mona'), 'mentor');
    const cleo = await connect(app, someone('cleo'), 'clinician');
    const participant = await connect(app, someone('pat'), 'participant');

    const ack = await accepted(participant, 'mentoring.request', { ...wishes, note: CRISIS_TEXT });
    expect(ack).toMatchObject({ noteWithheld: true, help: { staffNotified: true, resources: expect.any(Array) } });
    const alert = await cleo.waitForEvent((e) => e.type === 'SafetyAlertRaised' && e.data.userId === participant.userId);
    expect(alert.data).toMatchObject({ source: 'mentoring_text', conversation: { kind: 'mentoring', id: participant.userId } });
    await participant.waitForEvent((e) => e.type === 'SafetyHelpOffered');

    const seen = await mona.waitForEvent(isRequest(ack.requestId));
    expect(seen.data.note).toBeNull();
    expect(JSON.stringify(mona.events)).not.toContain('end my life');
    expect(JSON.stringify((await httpGet(app, mona, '/mentoring/requests')).body)).not.toContain('end my life');
  });

  it('a mentor who comes back with lastPosition catches up on requests as live delivery gives them, anonymous', async () => {
    const mona = await connect(app, someone('mona'), 'mentor');
    const lastPosition = await headPosition(app.url);
    mona.close();
    const { participant, requestId } = await participantAsking();
    const back = await connect(app, mona.userId, 'mentor', { lastPosition });
    const caughtUp = await back.waitForEvent(isRequest(requestId));
    expect(caughtUp).toMatchObject({ streamId: 'mentor-requests', actorId: 'anonymous' });
    expect(JSON.stringify(back.events)).not.toContain(participant.userId);
  });

  it('a mentor takes at most MENTOR_MAX_ACTIVE_PAIRINGS (3) people at once; ending one makes room for the next', async () => {
    const mona = await connect(app, someone('mona'), 'mentor');
    const asking = await Promise.all([1, 2, 3, 4].map(() => participantAsking()));
    const pairings = [];
    for (const { requestId } of asking.slice(0, 3)) pairings.push(await accepted<{ pairingId: string }>(mona, 'mentoring.accept', { requestId }));
    const fourth = asking[3].requestId;
    expect((await refused(app, mona, 'mentoring.accept', { requestId: fourth }, 'MENTORING.MENTOR_AT_CAPACITY')).details).toEqual({ max: 3 });
    await accepted(mona, 'mentoring.end', { pairingId: pairings[0].pairingId });
    await accepted(mona, 'mentoring.accept', { requestId: fourth });
  });

  it('at most 10 stored requests an hour go out to every mentor; refused ones do not count', async () => {
    const participant = await connect(app, someone('pat'), 'participant');
    for (let i = 0; i < 3; i++) await refused(app, participant, 'mentoring.request', { ...wishes, language: 'not a tag' }, 'MENTORING.INVALID_REQUEST');
    for (let i = 0; i < 10; i++) {
      const { requestId } = await accepted<{ requestId: string }>(participant, 'mentoring.request', wishes);
      await accepted(participant, 'mentoring.cancel', { requestId });
    }
    const limited = await refused(app, participant, 'mentoring.request', wishes, 'MENTORING.RATE_LIMITED');
    expect(limited.details.retryAfterMs).toBeGreaterThan(0);
  });

  it('refuses bad and unauthorised commands with a structured error, storing nothing', async () => {
    const participant = await connect(app, someone('pat'), 'participant');
    const mona = await connect(app, someone('mona'), 'mentor');
    const family = await connectFamily(app, someone('fam'));

    expect((await refused(app, participant, 'mentoring.request', { ...wishes, topics: [] }, 'VALIDATION.FAILED')).details).toBeDefined();
    expect((await refused(app, participant, 'mentoring.request', { ...wishes, language: 'english please' }, 'MENTORING.INVALID_REQUEST')).details).toEqual({ field: 'language' });
    await refused(app, participant, 'mentoring.request', { ...wishes, topics: ['a', 'b', 'c', 'd', 'e', 'f'] }, 'MENTORING.INVALID_REQUEST');
    await refused(app, mona, 'mentoring.request', wishes, 'MENTORING.FORBIDDEN');
    await refused(app, family, 'mentoring.request', wishes, 'MENTORING.FORBIDDEN');
    await refused(app, mona, 'mentoring.accept', { requestId: randomUUID() }, 'MENTORING.REQUEST_NOT_FOUND');
    await refused(app, participant, 'mentoring.end', { pairingId: randomUUID() }, 'MENTORING.PAIRING_NOT_FOUND');
    await refused(app, mona, 'mentoring.accept', { requestId: 'not-a-uuid' }, 'VALIDATION.FAILED');

    // a participant's own request: one at a time, and never taken by themselves or a stranger's cancel
    const { requestId } = await accepted<{ requestId: string }>(participant, 'mentoring.request', wishes);
    await refused(app, participant, 'mentoring.request', wishes, 'MENTORING.ALREADY_REQUESTED');
    await refused(app, participant, 'mentoring.accept', { requestId }, 'MENTORING.FORBIDDEN');
    await refused(app, mona, 'mentoring.cancel', { requestId }, 'MENTORING.REQUEST_NOT_FOUND');
    await accepted(participant, 'mentoring.cancel', { requestId });
    await refused(app, mona, 'mentoring.accept', { requestId }, 'MENTORING.REQUEST_NOT_OPEN');
  });

  // moves the app's clock a day on (the last test moves it a week)
  it('a request nobody takes in MENTOR_REQUEST_UNANSWERED_HOURS (24) is told once to the participant and clinicians, never mentors, and stays open', async () => {
    const mona = await connect(app, someone('mona'), 'mentor');
    const kim = await connect(app, someone('dr-kim'), 'clinician');
    const { participant, requestId } = await participantAsking();
    const asked = await mona.waitForEvent(isRequest(requestId));
    await advanceClock(app, 24 * 3_600_000 + 60_000);

    const told = await participant.waitForEvent(isRequest(requestId, 'MentorRequestUnanswered'));
    expect(told).toMatchObject({ actorId: 'system', data: { requestId, participantId: participant.userId, requestedAt: asked.data.requestedAt, noticedAt: expect.any(String) } });
    await kim.waitForEvent(isRequest(requestId, 'MentorRequestUnanswered'));
    // a later poll appends nothing more (a move of 0 is answered after one)
    await advanceClock(app, 0);
    await settle(200);
    expect(participant.events.filter(isRequest(requestId, 'MentorRequestUnanswered'))).toHaveLength(1);
    expect(mona.events.filter((e) => e.type === 'MentorRequestUnanswered')).toEqual([]);
    // still open: a mentor may take it, and then nothing more is said of it
    await accepted(mona, 'mentoring.accept', { requestId });
    expect((await httpGet(app, participant, '/mentoring/requests')).body.data).toEqual([expect.objectContaining({ requestId, status: 'matched' })]);
  });

  // last in the file: it moves the app's clock a week on, past every request made above
  it('a request nobody takes in MENTOR_REQUEST_OPEN_HOURS (168) is closed by the system: mentors drop it, the participant may ask again', async () => {
    const mona = await connect(app, someone('mona'), 'mentor');
    const { participant, requestId } = await participantAsking();
    const asked = await mona.waitForEvent(isRequest(requestId));
    // both sides are told when it closes if nobody takes it
    const openUntil = new Date(Date.parse(asked.data.requestedAt) + 168 * 3_600_000).toISOString();
    expect((await httpGet(app, mona, '/mentoring/requests')).body.data).toContainEqual(expect.objectContaining({ requestId, openUntil }));
    expect((await httpGet(app, participant, '/mentoring/requests')).body.data).toEqual([expect.objectContaining({ requestId, openUntil, status: 'open' })]);
    await advanceClock(app, 168 * 3_600_000 + 60_000);

    const expired = await participant.waitForEvent(isRequest(requestId, 'MentorRequestExpired'));
    expect(expired).toMatchObject({ actorId: 'system', data: { requestId, participantId: participant.userId } });
    const toMentor = await mona.waitForEvent(isRequest(requestId, 'MentorRequestExpired'));
    expect(JSON.stringify(toMentor)).not.toContain(participant.userId);
    expect((await httpGet(app, mona, '/mentoring/requests')).body.data.map((r: { requestId: string }) => r.requestId)).not.toContain(requestId);
    expect((await httpGet(app, participant, '/mentoring/requests')).body.data).toEqual([expect.objectContaining({ requestId, status: 'expired' })]);
    await refused(app, mona, 'mentoring.accept', { requestId }, 'MENTORING.REQUEST_NOT_OPEN');
    await accepted(participant, 'mentoring.request', wishes);
  });
});
