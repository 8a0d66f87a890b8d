import { randomUUID } from 'node:crypto';
import { AppProcess, freshData, type AppData } from '../../support/app-process';
import { readLog, type LoggedEvent } from '../../support/event-log';
import { describeWithPostgres, dropSchema } from '../../support/postgres';
import { closeAllClients, connect, settle, type Ack, type TestClient } from '../../support/sockets';
import { accepted, command, connectFamily, createRoom, history, httpGet, joinAll, post } from '../rooms/rooms-helpers';

/*
 * The crisis path, attacked end to end through the real app (docs/SAFETY.md, docs/PROTOCOL.md "Crisis safety").
 * Its promises: a message that screens as a crisis never reaches the room unless staff release it (and then once);
 * the sender always gets help; staff are always alerted; an alert nobody acknowledges escalates once, across restarts
 * and nodes. safety.e2e.test.ts covers the plain path and visibility-audit.e2e.test.ts who receives which safety
 * event; this file tries to get around them: disguised words, edits, the ways a member could read held text, resolve
 * retried and raced, and deadlines passing while the app is down.
 */


/** The outcome of a command in one word: 'held', 'accepted', or the refusal's code. */
const outcomeOf = (ack: Ack): string => (!ack.ok ? ack.error.code : ack.data?.held ? 'held' : 'accepted');

/** Every message event of `messageId` in the log, as `Type: text`. */
const messageEventsOf = (log: LoggedEvent[], messageId: string) =>
  log.filter((e) => (e.type === 'MessagePosted' || e.type === 'MessageEdited') && e.data.messageId === messageId).map((e) => `${e.type}: ${e.data.text}`);

/** Anything a member received or read that carries these words or ids (serialized, so every field counts). */
const mentions = (things: unknown[], needles: string[]) => things.map((t) => JSON.stringify(t)).filter((s) => needles.some((n) => s.includes(n)));

/** Resolves once `done` holds, polling; fails with `what` after `timeoutMs`. */
async function eventually(what: string, done: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !(await done()); ) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await settle(50);
  }
}

const escalationsOf = (log: LoggedEvent[], alertId: string) => log.filter((e) => e.type === 'SafetyAlertEscalated' && e.data.alertId === alertId).length;

/** A text with its invisible and look-alike characters spelled out, so a failure shows what was hidden in it. */
const spelledOut = (text: string) => text.replace(/[^\S ]|[\p{Cf}\p{Mn}\p{Script=Cyrillic}\u0131\u3164\uFFA0]/gu, (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`);

const ON_CALL = 'dr-oncall';

describe('the crisis path under attack (sqlite)', () => {
  let app: AppProcess;
  let fran: TestClient; // facilitator of every room below
  let alice: TestClient; // the member in crisis
  let bob: TestClient; // another member: must never read held text
  let drKim: TestClient; // a clinician, not on call, not a member
  let drOnCall: TestClient; // the clinician on call, not a member

  beforeAll(async () => {
    app = await AppProcess.start(freshData('sqlite'), { SAFETY_ON_CALL: ON_CALL, SAFETY_ESCALATE_AFTER_SECONDS: '300', DEADLINE_POLL_MS: '100' });
    fran = await connect(app, 'fran', 'facilitator');
    alice = await connect(app, 'alice', 'participant');
    bob = await connect(app, 'bob', 'participant');
    drKim = await connect(app, 'dr-kim', 'clinician');
    drOnCall = await connect(app, ON_CALL, 'clinician');
  });
  afterAll(async () => {
    closeAllClients();
    await app?.stop();
  });

  /** fran's new room with alice and bob in it */
  async function groupRoom(): Promise<string> {
    const roomId = await createRoom(fran);
    await joinAll(roomId, alice, bob);
    return roomId;
  }

  const postByAlice = (roomId: string, text: string, extra: Record<string, unknown> = {}) => command(alice, 'rooms.post', { roomId, text, ...extra });

  describe('screening', () => {
    let roomId: string;
    beforeAll(async () => {
      roomId = await groupRoom();
    });

    /** Each text posted by alice, mapped to what happened to it ('held' is what the screen promises). */
    async function screened(texts: string[]): Promise<Record<string, string>> {
      const outcomes: Record<string, string> = {};
      for (const text of texts) outcomes[spelledOut(text)] = outcomeOf(await postByAlice(roomId, text));
      return outcomes;
    }
    const allHeld = (texts: string[]) => Object.fromEntries(texts.map((t) => [spelledOut(t), 'held']));

    it('sees through case, spacing, line breaks, zero-width characters, full-width and styled letters, accents and combining marks', async () => {
      const disguised = [
        'I WANT TO KILL MYSELF',
        'kill\nmy\nself',
        'kill\u00A0myself', // no-break space
        'i want to kil\u200Dl myself', // zero-width joiner
        'k\u200Bi\u200Bl\u200Bl my\u200Bself', // zero-width spaces
        'kill\u2060my\uFEFFself', // word joiner, BOM
        'kill\u202Emyself', // right-to-left override
        'ｋｉｌｌ ｍｙｓｅｌｆ', // full-width
        '𝐤𝐢𝐥𝐥 𝐦𝐲𝐬𝐞𝐥𝐟', // mathematical bold
        'ⓚⓘⓛⓛ ⓜⓨⓢⓔⓛⓕ', // circled
        'k\u0336i\u0336l\u0336l\u0336 m\u0336y\u0336s\u0336e\u0336l\u0336f\u0336', // combining strike-through
        'kíll mysélf',
        'K-I-L-L my.self!!!',
        'I want to 🔪kill🔪 myself',
        'ＯＶＥＲＤＯＳＥ tonight',
        'c\u0336u\u0336t\u0336 myself again',
        'I w\u200Banna die',
      ];
      expect(await screened(disguised)).toEqual(allHeld(disguised));
    });

    // Found by this audit, fixed 2026-12-01; it was: the patterns run on `spaced` text, where every character that is not a letter or digit
    // becomes a space, also invisible ones (zero-width space/non-joiner, soft hyphen) and the combining marks NFKD
    // splits off accented letters. One of them inside a word splits it in two, so a sentence only a pattern covers
    // (libs/safety/src/screening/default-crisis-phrases.ts: "planning to end it", "cutting my wrists", "took all of my
    // pills") is delivered to the room, although the same sentence without it is held. The phrase path (`compact`)
    // removes them and is not fooled.
    it('holds sentences only a pattern covers with an invisible character or a combining mark inside a word', async () => {
      const plain = ['I am planning to end it tonight', 'thinking about cutting my wrists', 'I took all of my pills', "I'm going to end it"];
      const disguised = [
        'I am plan\u200Bning to end it tonight', // zero-width space
        'thinking about cut\u00ADting my wrists', // soft hyphen (invisible when not at a line end)
        'I to\u200Cok all of my pills', // zero-width non-joiner
        "I'm go\u0300ing to end it", // a combining accent
      ];
      expect({ plain: await screened(plain), disguised: await screened(disguised) }).toEqual({ plain: allHeld(plain), disguised: allHeld(disguised) });
    });

    // Found by this audit, fixed 2026-12-01; it was: an invisible character Unicode classes as a letter, the Hangul filler (U+3164, and its
    // half-width form U+FFA0), shows as a blank between the words but is kept by `compact` (it keeps \p{L}), so
    // "kill<filler>myself" does not contain "killmyself". Fix: drop Default_Ignorable_Code_Point characters
    // (\p{Default_Ignorable_Code_Point}: fillers, zero-width, soft hyphen, variation selectors) before both normalisations.
    it('holds crisis words separated by an invisible Hangul filler instead of a space', async () => {
      const disguised = ['I want to kill\u3164myself', 'I want to kill\uFFA0myself'];
      expect(await screened(disguised)).toEqual(allHeld(disguised));
    });

    // Found by this audit, fixed 2026-12-01; it was: look-alike letters from other scripts (Cyrillic і/е/ѕ, Latin small capitals, the
    // dotless ı) and digits for letters are not folded, so "kіll mysеlf" with two Cyrillic letters reads as "kill
    // myself" to every member and passes. SAFETY.md's "Known limits" admits novel wording, not this; a confusables
    // fold (Unicode TR39 skeleton, plus 1→i/l, 3→e, 0→o, @→a on the compacted text) would close it at the cost of rare
    // false alarms, which the docs accept ("a false alarm costs a staff member a minute").
    it('holds crisis words written with look-alike letters or digits', async () => {
      const disguised = [
        'I want to k\u0456ll mys\u0435lf', // Cyrillic і and е
        'thinking about \u0455uicide', // Cyrillic ѕ
        'ᴋɪʟʟ ᴍʏꜱᴇʟꜰ', // small capitals
        'I want to k\u0131ll myself', // dotless ı
        'I want to k1ll mys3lf',
      ];
      expect(await screened(disguised)).toEqual(allHeld(disguised));
    });

    it('screens the text and the content warning together, replies, and edits (of the text or only the content warning)', async () => {
      const innocent = await post(alice, roomId, 'rough day at work');
      const outcomes = {
        splitAcrossWarning: outcomeOf(await postByAlice(roomId, 'honestly I just want to kill', { contentWarning: 'myself' })),
        onlyInWarning: outcomeOf(await postByAlice(roomId, 'tw', { contentWarning: 'suicidal thoughts' })),
        reply: outcomeOf(await postByAlice(roomId, 'same, I took a bunch of my meds', { replyTo: innocent.messageId })),
        editText: outcomeOf(await command(alice, 'rooms.edit', { roomId, messageId: innocent.messageId, text: 'ｅｎｄ ｍｙ ｌｉｆｅ' })),
        editWarning: outcomeOf(await command(alice, 'rooms.edit', { roomId, messageId: innocent.messageId, text: 'rough day at work', contentWarning: 'self harm' })),
      };
      expect(outcomes).toEqual({ splitAcrossWarning: 'held', onlyInWarning: 'held', reply: 'held', editText: 'held', editWarning: 'held' });
      expect((await history(app, bob, roomId)).find((m) => m.messageId === innocent.messageId)).toMatchObject({ text: 'rough day at work', contentWarning: null });
    });

    // Found by this audit, fixed 2026-12-01; it was: a content warning over 60 characters was refused at the edge
    // (VALIDATION.FAILED) before the screening ran, so crisis words in a long one got no help.
    it('screens a content warning longer than the room allows before refusing it', async () => {
      const long = (words: string) => `${words} ${'.'.repeat(80)}`;
      const outcomes = {
        crisis: outcomeOf(await postByAlice(roomId, 'tw', { contentWarning: long('I want to die') })),
        plain: outcomeOf(await postByAlice(roomId, 'tw', { contentWarning: long('a long day') })),
      };
      expect(outcomes).toEqual({ crisis: 'held', plain: 'ROOM.CONTENT_WARNING_TOO_LONG' });
    });

    // Found by this audit, fixed 2026-12-01; it was: PROTOCOL.md says a held edit checks only membership ("for an edit,
    // authorship [is] not checked"), but RoomsGateway.edit (libs/rooms/src/edge/rooms.gateway.ts) first requires an
    // own, visible message (requireOwnVisibleMessage) and screens after. Crisis words typed as an edit of one's own
    // redacted message, or as an edit of one's own held message (adding "I already took all my pills"), are refused
    // with ROOM.MESSAGE_REDACTED / ROOM.MESSAGE_NOT_FOUND: no help for the sender, no alert for staff. Fix: screen
    // first and raise the alert whatever the edit's target; the release already refuses an edit it cannot apply
    // (ROOM.MESSAGE_NOT_FOUND, ROOM.NOT_AUTHOR in decideReleaseHeldMessage), so nothing wrong can be posted.
    it('gives help and alerts staff for crisis words in an edit, also of a redacted or a held message', async () => {
      const redacted = await post(alice, roomId, 'this group is useless');
      await accepted(fran, 'rooms.redact', { roomId, messageId: redacted.messageId, reason: 'hostile' });
      const held = await accepted(alice, 'rooms.post', { roomId, text: 'I want to end my life' });
      const outcomes = {
        editOfRedacted: outcomeOf(await command(alice, 'rooms.edit', { roomId, messageId: redacted.messageId, text: 'fine. I will just kill myself then' })),
        editOfHeld: outcomeOf(await command(alice, 'rooms.edit', { roomId, messageId: held.messageId, text: 'I want to end my life. I already took all my pills' })),
      };
      expect(outcomes).toEqual({ editOfRedacted: 'held', editOfHeld: 'held' });
    });

    // after the tests above: it looks at everything they made the screen hold
    it('none of the messages it held reached bob, live, on catch-up or in the history', async () => {
      await settle();
      const held = (await readLog(app.data))
        .filter((e) => e.type === 'SafetyAlertRaised' && e.data.conversation.id === roomId)
        .map((e) => e.data.heldMessage as { messageId: string; text: string; contentWarning: string | null; edit: boolean });
      expect(held.length).toBeGreaterThan(20);
      const caughtUp = await connect(app, 'bob', 'participant', { lastPosition: 0 });
      const shown = [
        ...[...bob.events, ...caughtUp.events].filter((e) => e.type === 'MessagePosted' || e.type === 'MessageEdited').map((e) => e.data),
        ...(await history(app, bob, roomId)),
      ];
      // a held post's id never appears; a held edit's words never appear on its (visible) message
      const leaked = shown.filter((m) => held.some((h) => h.messageId === m.messageId && (!h.edit || (h.text === m.text && h.contentWarning === m.contentWarning))));
      expect(leaked).toEqual([]);
      expect([...bob.events, ...caughtUp.events].filter((e) => e.streamId.startsWith('safety-'))).toEqual([]);
    });
  });

  describe('held text', () => {
    /** alice's held post (with an id bob is assumed to know) and her held edit of a visible message */
    async function heldPostAndEdit(roomId: string) {
      const visible = await post(alice, roomId, 'checking in before group');
      const postId = randomUUID();
      const heldPost = await accepted(alice, 'rooms.post', { roomId, messageId: postId, text: 'tonight I will swallow all the pills', contentWarning: 'plan details', replyTo: visible.messageId });
      const heldEdit = await accepted(alice, 'rooms.edit', { roomId, messageId: visible.messageId, text: 'checking in. wrote a note for my sister' });
      expect([heldPost.held, heldEdit.held]).toEqual([true, true]);
      return { visible, postId, postAlertId: heldPost.alertId as string, editAlertId: heldEdit.alertId as string };
    }

    it('cannot be read by another member: live, catch-up, sync, history, room reads, nor commands aimed at its id', async () => {
      const roomId = await groupRoom();
      const { visible, postId, postAlertId, editAlertId } = await heldPostAndEdit(roomId);
      const roomEventsBefore = (await readLog(app.data)).filter((e) => e.streamId === `room-${roomId}`).length;

      // bob knows the held post's id (a client-chosen id may be guessed or shared) and tries everything on it
      const aimed = {
        react: outcomeOf(await command(bob, 'rooms.react', { roomId, messageId: postId, emoji: '💙' })),
        unreact: outcomeOf(await command(bob, 'rooms.unreact', { roomId, messageId: postId, emoji: '💙' })),
        report: outcomeOf(await command(bob, 'rooms.report', { roomId, messageId: postId, reason: 'what is this' })),
        reply: outcomeOf(await command(bob, 'rooms.post', { roomId, text: 'replying', replyTo: postId })),
        edit: outcomeOf(await command(bob, 'rooms.edit', { roomId, messageId: postId, text: 'edited' })),
        delete: outcomeOf(await command(bob, 'rooms.delete', { roomId, messageId: postId })),
        redactByFacilitator: outcomeOf(await command(fran, 'rooms.redact', { roomId, messageId: postId, reason: 'check' })),
      };
      expect(aimed).toEqual({
        react: 'ROOM.MESSAGE_NOT_FOUND',
        unreact: 'ROOM.MESSAGE_NOT_FOUND',
        report: 'ROOM.MESSAGE_NOT_FOUND',
        reply: 'ROOM.MESSAGE_NOT_FOUND',
        edit: 'ROOM.MESSAGE_NOT_FOUND',
        delete: 'ROOM.MESSAGE_NOT_FOUND',
        redactByFacilitator: 'ROOM.MESSAGE_NOT_FOUND',
      });
      expect((await readLog(app.data)).filter((e) => e.streamId === `room-${roomId}`).length).toBe(roomEventsBefore);

      await settle();
      const caughtUp = await connect(app, 'bob', 'participant', { lastPosition: 0 });
      const synced = await connect(app, 'bob', 'participant');
      expect(await synced.send('sync', { after: 0 })).toMatchObject({ ok: true });
      const reads = await Promise.all(
        [`/rooms/${roomId}/messages?limit=200`, '/rooms', `/rooms/${roomId}`, `/rooms/${roomId}/members`, `/rooms/${roomId}/moderation-log`, `/rooms/${roomId}/reports`, '/safety/alerts', '/moderation/reports'].map(
          (path) => httpGet(app, bob, path),
        ),
      );
      const secrets = ['swallow', 'plan details', 'wrote a note', postId, postAlertId, editAlertId];
      expect({
        live: mentions(bob.events, secrets),
        catchUp: mentions(caughtUp.events, secrets),
        sync: mentions(synced.events, secrets),
        http: mentions(reads, secrets),
      }).toEqual({ live: [], catchUp: [], sync: [], http: [] });
      expect((await history(app, bob, roomId)).find((m) => m.messageId === visible.messageId)).toMatchObject({ text: 'checking in before group' });
    });

    it('is posted once on release, however often resolve is sent again, with the same or another command id, by the same or other staff', async () => {
      const roomId = await groupRoom();
      const { visible, postId, postAlertId, editAlertId } = await heldPostAndEdit(roomId);
      const outcomes: Record<string, string[]> = {};
      for (const alertId of [postAlertId, editAlertId]) {
        await accepted(fran, 'safety.acknowledge', { alertId });
        const commandId = randomUUID();
        const resolve = (client: TestClient, id = randomUUID()) => client.send('safety.resolve', { commandId: id, alertId, outcome: 'released', note: 'spoke with alice' });
        const first = await resolve(fran, commandId);
        const again = await resolve(fran, commandId);
        outcomes[alertId] = [outcomeOf(first), again.ok && again.data.replayed ? 'replayed' : outcomeOf(again), outcomeOf(await resolve(fran)), outcomeOf(await resolve(drKim))];
      }
      expect(outcomes).toEqual({
        [postAlertId]: ['accepted', 'replayed', 'SAFETY.ALREADY_RESOLVED', 'SAFETY.ALREADY_RESOLVED'],
        [editAlertId]: ['accepted', 'replayed', 'SAFETY.ALREADY_RESOLVED', 'SAFETY.ALREADY_RESOLVED'],
      });
      await settle();
      const log = await readLog(app.data);
      expect({ post: messageEventsOf(log, postId), edit: messageEventsOf(log, visible.messageId) }).toEqual({
        post: ['MessagePosted: tonight I will swallow all the pills'],
        edit: ['MessagePosted: checking in before group', 'MessageEdited: checking in. wrote a note for my sister'],
      });
      // the room is shown the author, once, as if it had never been held
      const toBob = bob.events.filter((e) => e.data.messageId === postId || (e.type === 'MessageEdited' && e.data.messageId === visible.messageId));
      expect(toBob.map((e) => ({ type: e.type, actorId: e.actorId, replyTo: e.data.replyTo }))).toEqual([
        { type: 'MessagePosted', actorId: 'alice', replyTo: visible.messageId },
        { type: 'MessageEdited', actorId: 'alice', replyTo: undefined },
      ]);
    });
  });

  // SafetyService.resolve (libs/safety/src/safety.service.ts) releases the held message first and decides the
  // ResolveAlert after, so every refusal only the decider knows comes too late: the message is already in the room.
  // Fix for all three: fold the safety stream and run the decider's checks (or append the resolution) before
  // releasing; the release then follows a decided `released` outcome, with its deterministic command id.
  describe('a refused resolve', () => {
    /** alice's crisis post in `roomId`, held and acknowledged by `acknowledger` */
    async function acknowledgedHold(roomId: string, author = alice, acknowledger = fran) {
      const held = await accepted(author, 'rooms.post', { roomId, text: 'I have a plan to end my life' });
      await accepted(acknowledger, 'safety.acknowledge', { alertId: held.alertId });
      return { alertId: held.alertId as string, messageId: held.messageId as string };
    }
    const postedToRoom = async (messageId: string) => messageEventsOf(await readLog(app.data), messageId).length > 0;

    // Found by this audit, fixed 2026-12-01; it was: a note of spaces passes the edge (1..2000 characters) and is refused by the decider
    // (SAFETY.NOTE_REQUIRED) after the release: the staff member is told to add a note, the alert stays open, and
    // the crisis message is already in the room.
    it('with a blank note leaves the message held', async () => {
      const roomId = await groupRoom();
      const { alertId, messageId } = await acknowledgedHold(roomId);
      const ack = await command(fran, 'safety.resolve', { alertId, outcome: 'released', note: '   ' });
      await settle();
      expect({ refusal: outcomeOf(ack), postedToRoom: await postedToRoom(messageId) }).toEqual({ refusal: 'SAFETY.NOTE_REQUIRED', postedToRoom: false });
    });

    // Found by this audit, fixed 2026-12-01; it was: a facilitator in crisis cannot act on the alert about them (SAFETY.OWN_ALERT, "another staff
    // member takes it up"), yet once a colleague has acknowledged it, their own `released` posts their held message.
    it('about oneself (a facilitator whose own message was held) leaves it held', async () => {
      const roomId = await groupRoom();
      const { alertId, messageId } = await acknowledgedHold(roomId, fran, drKim);
      const ack = await command(fran, 'safety.resolve', { alertId, outcome: 'released', note: 'I am fine, post it' });
      await settle();
      expect({ refusal: outcomeOf(ack), postedToRoom: await postedToRoom(messageId) }).toEqual({ refusal: 'SAFETY.OWN_ALERT', postedToRoom: false });
    });

    // Found by this audit, fixed 2026-12-01; it was: a peer mentor (or participant) appointed facilitator of the room passes requireStaffFor (it
    // asks only whether they moderate the room) and the room's ReleaseHeldMessage (a room moderator); the decider
    // then refuses them (SAFETY.FORBIDDEN: only staff resolve), after a non-staff member has posted a peer's crisis
    // message to the group.
    it('by a peer mentor appointed facilitator leaves it held', async () => {
      const roomId = await groupRoom();
      const mentor = await connect(app, 'mia', 'mentor');
      await joinAll(roomId, mentor);
      await accepted(fran, 'rooms.appointFacilitator', { roomId, userId: 'mia' });
      const { alertId, messageId } = await acknowledgedHold(roomId);
      const ack = await command(mentor, 'safety.resolve', { alertId, outcome: 'released', note: 'she said it is fine' });
      await settle();
      expect({ refusal: outcomeOf(ack), postedToRoom: await postedToRoom(messageId) }).toEqual({ refusal: 'SAFETY.FORBIDDEN', postedToRoom: false });
    });
  });

  describe('alerting', () => {
    it('a burst of crisis posts and help requests from two members, sent at once: each gets its own help, each alert reaches the facilitator and the clinician on call, and nobody else', async () => {
      const roomId = await groupRoom();
      const sends = [alice, bob].flatMap((member) => [
        ...Array.from({ length: 8 }, (_, i) => command(member, 'rooms.post', { roomId, text: `${i}: I want to die` })),
        ...Array.from({ length: 4 }, () => command(member, 'safety.helpNow', { conversationKind: 'room', conversationId: roomId })),
      ]);
      const acks = await Promise.all(sends);
      expect(acks.map(outcomeOf).filter((o) => o !== 'held' && o !== 'accepted')).toEqual([]);
      const alertIds = acks.map((ack) => (ack.ok ? (ack.data.alertId as string) : ''));
      // each held post has an alert of its own; a member's "I need help now" joins their open alert once it is in the
      // queue, so presses sent at once make one to four alerts (which, depends on timing), none of them a post's
      const ofMember = (m: number) => ({ posts: alertIds.slice(m * 12, m * 12 + 8), helps: new Set(alertIds.slice(m * 12 + 8, m * 12 + 12)) });
      const [ofAlice, ofBob] = [ofMember(0), ofMember(1)];
      expect(new Set([...ofAlice.posts, ...ofBob.posts]).size).toBe(16);
      for (const { posts, helps } of [ofAlice, ofBob]) {
        expect(helps.size).toBeGreaterThanOrEqual(1);
        expect(helps.size).toBeLessThanOrEqual(4);
        expect(posts.filter((id) => helps.has(id))).toEqual([]);
      }

      const raisedFor = (client: TestClient) => new Set(client.events.filter((e) => e.type === 'SafetyAlertRaised').map((e) => e.data.alertId));
      const everyAlertReached = (client: TestClient) => client.waitForEvent(() => alertIds.every((id) => raisedFor(client).has(id)));
      await Promise.all([everyAlertReached(fran), everyAlertReached(drOnCall)]);
      await settle();
      const ownHelp = (client: TestClient) => client.events.filter((e) => e.type === 'SafetyHelpOffered').map((e) => e.data.alertId);
      const aboutThisRoom = (client: TestClient) => client.events.filter((e) => e.data.conversation?.id === roomId || e.streamId === `room-${roomId}`);
      expect({
        alice: ownHelp(alice).filter((id) => alertIds.includes(id)).length,
        bob: ownHelp(bob).filter((id) => alertIds.includes(id)).length,
        staffEventsToMembers: [...alice.events, ...bob.events].filter((e) => e.type.startsWith('SafetyAlert') && alertIds.includes(e.data.alertId)).length,
        toClinicianNotOnCall: aboutThisRoom(drKim).length,
        postedToRoom: [...alice.events, ...bob.events].filter((e) => e.streamId === `room-${roomId}` && e.type === 'MessagePosted').length,
      }).toEqual({ alice: 8 + ofAlice.helps.size, bob: 8 + ofBob.helps.size, staffEventsToMembers: 0, toClinicianNotOnCall: 0, postedToRoom: 0 });

      // and on catch-up, to the clinician on call who was offline
      const onCallLater = await connect(app, ON_CALL, 'clinician', { lastPosition: 0 });
      expect(alertIds.filter((id) => !raisedFor(onCallLater).has(id))).toEqual([]);
    });

    it('a muted member of a locked room in slow mode gets help for crisis posts in a row, a reply and an edit', async () => {
      const roomId = await groupRoom();
      const earlier = await post(alice, roomId, 'good morning');
      await accepted(fran, 'rooms.setSlowMode', { roomId, intervalSeconds: 3600 });
      await accepted(fran, 'rooms.lock', { roomId, reason: 'break' });
      await accepted(fran, 'rooms.mute', { roomId, userId: 'alice', durationSeconds: 3600, reason: 'pause' });
      const outcomes = [
        outcomeOf(await postByAlice(roomId, 'hello?')),
        outcomeOf(await postByAlice(roomId, 'I want to die')),
        outcomeOf(await postByAlice(roomId, 'I want to die, please')),
        outcomeOf(await postByAlice(roomId, 'I cut myself', { replyTo: earlier.messageId })),
        outcomeOf(await command(alice, 'rooms.edit', { roomId, messageId: earlier.messageId, text: 'good morning. I wrote a note' })),
        outcomeOf(await command(alice, 'safety.helpNow', { conversationKind: 'room', conversationId: roomId })),
      ];
      expect(outcomes).toEqual(['ROOM.MUTED', 'held', 'held', 'held', 'held', 'accepted']);
    });

    it('a member of an archived room still gets help; releasing is refused there and the alert stays open for another outcome', async () => {
      const roomId = await groupRoom();
      await accepted(fran, 'rooms.archive', { roomId });
      const held = await accepted(alice, 'rooms.post', { roomId, text: 'nobody is here, I want to die' });
      const help = await accepted(alice, 'safety.helpNow', { conversationKind: 'room', conversationId: roomId });
      expect([held.held, help.staffNotified]).toEqual([true, true]);
      await fran.waitForEvent((e) => e.type === 'SafetyAlertRaised' && e.data.alertId === help.alertId);
      await accepted(fran, 'safety.acknowledge', { alertId: held.alertId });
      const release = await command(fran, 'safety.resolve', { alertId: held.alertId, outcome: 'released', note: 'ok' });
      const queue = await httpGet(app, fran, '/safety/alerts?status=acknowledged');
      expect({ release: outcomeOf(release), stillOpen: queue.body.data.some((a: { alertId: string }) => a.alertId === held.alertId) }).toEqual({ release: 'ROOM.ARCHIVED', stillOpen: true });
      expect(outcomeOf(await command(fran, 'safety.resolve', { alertId: held.alertId, outcome: 'followed_up_privately', note: 'called her' }))).toBe('accepted');
      expect(messageEventsOf(await readLog(app.data), held.messageId)).toEqual([]);
    });

    it('a family guest gets the documented refusal (ROOM.NOT_A_MEMBER) for a crisis post and for help, and nothing is stored', async () => {
      const roomId = await groupRoom();
      const gran = await connectFamily(app, 'gran');
      const before = (await readLog(app.data)).length;
      const outcomes = {
        post: outcomeOf(await command(gran, 'rooms.post', { roomId, text: 'my grandson wants to kill himself and so do I, I want to die' })),
        helpNow: outcomeOf(await command(gran, 'safety.helpNow', { conversationKind: 'room', conversationId: roomId })),
      };
      expect({ outcomes, appended: (await readLog(app.data)).length - before }).toEqual({ outcomes: { post: 'ROOM.NOT_A_MEMBER', helpNow: 'ROOM.NOT_A_MEMBER' }, appended: 0 });
    });
  });
});

describe('escalation while the app is down (sqlite)', () => {
  const env = { SAFETY_ESCALATE_AFTER_SECONDS: '2', DEADLINE_POLL_MS: '50', SAFETY_ON_CALL: ON_CALL };
  let app: AppProcess | undefined;
  afterAll(async () => {
    closeAllClients();
    await app?.stop();
  });

  it('an alert whose deadline passed while the app was down (killed) escalates once after the restart, and not again after the next; an acknowledged one never', async () => {
    const data = freshData('sqlite');
    app = await AppProcess.start(data, env);
    const fran = await connect(app, 'fran', 'facilitator');
    const alice = await connect(app, 'alice', 'participant');
    const roomId = await createRoom(fran);
    await joinAll(roomId, alice);
    const forgotten = (await accepted(alice, 'rooms.post', { roomId, text: 'I want to die' })).alertId as string;
    const seen = (await accepted(alice, 'rooms.post', { roomId, text: 'I took all my pills' })).alertId as string;
    await accepted(fran, 'safety.acknowledge', { alertId: seen });
    await app.kill(); // a crash, well before the deadline
    closeAllClients();
    const beforeRestart = await readLog(data);
    expect(escalationsOf(beforeRestart, forgotten)).toBe(0);
    const escalateAt = Date.parse(beforeRestart.find((e) => e.type === 'SafetyAlertRaised' && e.data.alertId === forgotten)!.data.escalateAt);
    await settle(Math.max(0, escalateAt - Date.now()) + 100);

    app = await AppProcess.start(data, env);
    // a clinician not on call hears of it only through the escalation (on catch-up if it fired before they connected)
    const drKim = await connect(app, 'dr-kim', 'clinician', { lastPosition: 0 });
    await drKim.waitForEvent((e) => e.type === 'SafetyAlertEscalated' && e.data.alertId === forgotten);
    await app.stop();
    closeAllClients();

    app = await AppProcess.start(data, env);
    await settle(500); // ten polls
    const kimLater = await connect(app, 'dr-kim', 'clinician', { lastPosition: 0 });
    const aliceLater = await connect(app, 'alice', 'participant', { lastPosition: 0 });
    const log = await readLog(data);
    expect({
      forgotten: escalationsOf(log, forgotten),
      seen: escalationsOf(log, seen),
      toClinicianOnCatchUp: kimLater.events.filter((e) => e.type === 'SafetyAlertEscalated').map((e) => e.data.alertId),
      toAlice: aliceLater.events.filter((e) => e.type === 'SafetyAlertEscalated').length,
      actor: log.find((e) => e.type === 'SafetyAlertEscalated')?.actorId,
    }).toEqual({ forgotten: 1, seen: 0, toClinicianOnCatchUp: [forgotten], toAlice: 0, actor: 'system' });
  });
});

describeWithPostgres('two nodes on one PostgreSQL store', () => {
  const env = { SAFETY_ESCALATE_AFTER_SECONDS: '1', DEADLINE_POLL_MS: '10', SAFETY_ON_CALL: ON_CALL };
  let data: AppData;
  let nodeA: AppProcess;
  let nodeB: AppProcess;
  let fran: TestClient; // on node A
  let alice: TestClient; // on node A
  let drKim: TestClient; // on node B
  let roomId: string;

  beforeAll(async () => {
    data = freshData('postgres');
    // one after the other: both create the same read-model tables at start
    nodeA = await AppProcess.start(data, env);
    nodeB = await AppProcess.start(data, env);
    fran = await connect(nodeA, 'fran', 'facilitator');
    alice = await connect(nodeA, 'alice', 'participant');
    drKim = await connect(nodeB, 'dr-kim', 'clinician');
    roomId = await createRoom(fran);
    await joinAll(roomId, alice);
  }, 30_000);
  afterAll(async () => {
    closeAllClients();
    await Promise.all([nodeA?.stop(), nodeB?.stop()]);
    if (data) await dropSchema(data.env.POSTGRES_SCHEMA).catch(() => undefined);
  });

  it('each alert nobody acknowledges escalates exactly once, though both nodes poll for it every 10 ms', async () => {
    const acks = await Promise.all(Array.from({ length: 6 }, (_, i) => accepted(alice, 'rooms.post', { roomId, text: `${i} I want to end it all` })));
    const alertIds = acks.map((ack) => ack.alertId as string);
    await eventually('every alert escalated', async () => {
      const log = await readLog(data);
      return alertIds.every((id) => escalationsOf(log, id) > 0);
    });
    await settle(500);
    const log = await readLog(data);
    const toKim = (id: string) => drKim.events.filter((e) => e.type === 'SafetyAlertEscalated' && e.data.alertId === id).length;
    expect(alertIds.map((id) => ({ inLog: escalationsOf(log, id), toClinicianOnOtherNode: toKim(id) }))).toEqual(alertIds.map(() => ({ inLog: 1, toClinicianOnOtherNode: 1 })));
  });

  /** alice's message and her held edit of it, acknowledged by fran; resolves with the ids */
  async function acknowledgedHeldEdit(): Promise<{ messageId: string; alertId: string }> {
    const { messageId } = await post(alice, roomId, 'see you thursday');
    const held = await accepted(alice, 'rooms.edit', { roomId, messageId, text: 'see you thursday. I wrote a note' });
    await accepted(fran, 'safety.acknowledge', { alertId: held.alertId });
    return { messageId, alertId: held.alertId };
  }

  it('two staff on two nodes releasing the same held post at once post it once', async () => {
    for (let round = 0; round < 3; round++) {
      const held = await accepted(alice, 'rooms.post', { roomId, text: `${round}: I want to disappear forever` });
      await accepted(fran, 'safety.acknowledge', { alertId: held.alertId });
      await Promise.all([fran, drKim].map((staff) => command(staff, 'safety.resolve', { alertId: held.alertId, outcome: 'released', note: 'ok to share' })));
      await settle(100);
      expect(messageEventsOf(await readLog(data), held.messageId)).toEqual([`MessagePosted: ${round}: I want to disappear forever`]);
    }
  });

  // Found by this audit, fixed 2026-12-01; it was: the release's command id `release:<alertId>` is scoped to the staff member who sends it (the
  // command handler keys idempotency by actor and command id), so two staff resolving the same held edit at once both
  // read "acknowledged" in SafetyService.resolve and both append a MessageEdited: the room gets the edit twice. A held
  // post is saved only by ROOM.DUPLICATE_MESSAGE_ID. Fix: release under one key whoever sends it (the system actor, or
  // a lookup of `release:<alertId>` by any actor), after deciding the ResolveAlert.
  it('two staff on two nodes releasing the same held edit at once apply it once', async () => {
    const applied: number[] = [];
    for (let round = 0; round < 3; round++) {
      const { messageId, alertId } = await acknowledgedHeldEdit();
      await Promise.all([fran, drKim].map((staff) => command(staff, 'safety.resolve', { alertId, outcome: 'released', note: 'ok to share' })));
      await settle(100);
      applied.push(messageEventsOf(await readLog(data), messageId).filter((e) => e.startsWith('MessageEdited')).length);
    }
    expect(applied).toEqual([1, 1, 1]);
  });

  // Found by this audit, fixed 2026-12-01; it was: one staff member releases while another, on another node, keeps the message held. resolve
  // posts the held message first and decides the ResolveAlert after; the kept_held resolution lands in between, so the
  // message is in the room while the alert says it was kept held (the releasing one is told SAFETY.ALREADY_RESOLVED).
  it('a release raced by "keep it held" on the other node never posts the message under a kept_held outcome', async () => {
    const mismatches: unknown[] = [];
    for (let round = 0; round < 4; round++) {
      const held = await accepted(alice, 'rooms.post', { roomId, text: `${round}: I want to kill myself` });
      await accepted(fran, 'safety.acknowledge', { alertId: held.alertId });
      await Promise.all([
        command(fran, 'safety.resolve', { alertId: held.alertId, outcome: 'released', note: 'ok to share' }),
        command(drKim, 'safety.resolve', { alertId: held.alertId, outcome: 'kept_held', note: 'not for the group' }),
      ]);
      await settle(100);
      const log = await readLog(data);
      const outcome = log.find((e) => e.type === 'SafetyAlertResolved' && e.data.alertId === held.alertId)?.data.outcome;
      const posted = messageEventsOf(log, held.messageId).length > 0;
      if (posted !== (outcome === 'released')) mismatches.push({ round, outcome, posted });
    }
    expect(mismatches).toEqual([]);
  });
});
