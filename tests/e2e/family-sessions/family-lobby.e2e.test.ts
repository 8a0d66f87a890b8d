import { randomUUID } from 'node:crypto';
import type { AppProcess } from '../../support/app-process';
import { readLog } from '../../support/event-log';
import { connect, settle } from '../../support/sockets';
import { headPosition, STORES } from '../../support/stores';
import { accepted, httpGet, httpPost, oneAppPerFile, refused, waitInRoom } from '../rooms/rooms-helpers';
import { guestOfSession, scheduledFor, someone } from './family-helpers';

/*
 * A word to the lobby (docs/PROTOCOL.md, "Family sessions", `family.tellLobby`): family members who redeemed their
 * invite wait, seeing nothing of the session's room until admitted; the host or staff can tell them something ("we
 * start ten minutes late"). Its own file: each test here redeems invites, which the app allows 10 a minute per address.
 */

describe.each(STORES)('telling the family members waiting on %s', (store) => {
  let app: AppProcess;
  oneAppPerFile(store, (started) => (app = started));

  it('the host tells the family members waiting a word: they read it live and on reconnecting; not one admitted, nor anyone else', async () => {
    const { kim, pat, sessionId, roomId } = await scheduledFor(app);
    const bob = await connect(app, someone('bob'), 'participant');
    const lee = await connect(app, someone('dr-lee'), 'clinician');
    const ada = await connect(app, someone('ada'), 'admin');
    // nobody waits yet: refused, so the host does not think it was read
    await refused(app, kim, 'family.tellLobby', { sessionId, text: 'we start soon' }, 'FAMILY.NOBODY_WAITING');

    const { guest: mom, guestId: momId } = await guestOfSession(app, pat, sessionId, 'Mom');
    const { guest: dad, guestId: dadId } = await guestOfSession(app, pat, sessionId, 'Dad');
    await accepted(kim, 'family.admit', { sessionId, guestId: dadId });
    await waitInRoom(dad, roomId, 'MemberJoined', (e) => e.data.userId === dadId);
    const before = await headPosition(app.url);

    const ack = await accepted<{ guestIds: string[] }>(kim, 'family.tellLobby', { sessionId, text: '  Running ten minutes late, thank you for waiting.  ' });
    expect(ack.guestIds).toEqual([momId]);
    // the participant's personal data: sealed in the log, as a session's title is
    expect(JSON.stringify(await readLog(app.data, { sealed: true }))).not.toContain('Running ten minutes late');
    // mom, waiting: the words and when, not who wrote them
    const told = await mom.waitForEvent((e) => e.type === 'FamilyLobbyNoticeSent');
    expect(told.data).toEqual({ sessionId, text: 'Running ten minutes late, thank you for waiting.', sentAt: expect.any(String) });
    expect(told.actorId).toBe('staff');
    // the session's people and clinicians and admins in full
    for (const client of [kim, pat, lee, ada]) {
      const full = await client.waitForEvent((e) => e.type === 'FamilyLobbyNoticeSent' && e.data.sessionId === sessionId);
      expect(full.data).toEqual({ sessionId, participantId: pat.userId, guestIds: [momId], text: 'Running ten minutes late, thank you for waiting.', by: kim.userId, sentAt: told.data.sentAt });
    }
    // the participant may invite but not speak for the clinicians
    await refused(app, pat, 'family.tellLobby', { sessionId, text: 'hi mom' }, 'FAMILY.FORBIDDEN');
    await refused(app, bob, 'family.tellLobby', { sessionId, text: 'hi' }, 'FAMILY.SESSION_NOT_FOUND');
    await refused(app, mom, 'family.tellLobby', { sessionId, text: 'hi' }, 'FAMILY.SESSION_NOT_FOUND');
    await refused(app, kim, 'family.tellLobby', { sessionId, text: '   ' }, 'FAMILY.INVALID_REQUEST');
    await settle();
    expect(dad.events.filter((e) => e.type === 'FamilyLobbyNoticeSent')).toEqual([]);
    expect(bob.events.filter((e) => e.type === 'FamilyLobbyNoticeSent')).toEqual([]);

    // mom's phone dropped: back with her last position, she reads it again, in her form
    mom.close();
    const token = (mom.socket.auth as { token: string }).token;
    const back = await connect(app, momId, 'family', { token, lastPosition: before });
    const again = await back.waitForEvent((e) => e.type === 'FamilyLobbyNoticeSent');
    expect(again.data).toEqual(told.data);
    const dadBack = await connect(app, dadId, 'family', { token: (dad.socket.auth as { token: string }).token, lastPosition: before });
    await settle();
    expect(dadBack.events.filter((e) => e.type === 'FamilyLobbyNoticeSent')).toEqual([]);
  });

  it('a family member who arrives after the word reads the latest one on redeeming and in their session, until it ends', async () => {
    const { kim, pat, sessionId } = await scheduledFor(app);
    const { redeemed: first } = await guestOfSession(app, pat, sessionId, 'Mom');
    expect(first.lobbyWord).toBeNull();
    await accepted(kim, 'family.tellLobby', { sessionId, text: 'We start at ten past.' });
    await accepted(kim, 'family.tellLobby', { sessionId, text: 'Running ten minutes late.' });

    const { guest: aunt, redeemed } = await guestOfSession(app, pat, sessionId, 'Aunt');
    expect(redeemed.lobbyWord).toEqual({ text: 'Running ten minutes late.', sentAt: expect.any(String) });
    const own = await httpGet(app, aunt, '/family-sessions');
    expect(own.body.data).toEqual([expect.objectContaining({ sessionId, lobbyWord: redeemed.lobbyWord })]);
    expect((await httpGet(app, kim, `/family-sessions/${sessionId}`)).body.data.lobbyWord).toEqual(redeemed.lobbyWord);
    // the word was never said to her: it is a sign on the door, not an event of hers
    await settle();
    expect(aunt.events.filter((e) => e.type === 'FamilyLobbyNoticeSent')).toEqual([]);

    // the participant's words: erased with them, the sign stays up empty
    const ada = await connect(app, someone('ada'), 'admin');
    expect((await httpPost(app, ada, `/people/${encodeURIComponent(pat.userId)}/erasure`, { commandId: randomUUID() })).status).toBe(200);
    expect((await httpGet(app, aunt, '/family-sessions')).body.data[0].lobbyWord).toEqual({ text: null, sentAt: redeemed.lobbyWord.sentAt });

    await accepted(kim, 'family.end', { sessionId });
    await aunt.waitForEvent((e) => e.type === 'FamilySessionEnded');
    expect((await httpGet(app, aunt, '/family-sessions')).body.data[0].lobbyWord).toBeNull();
  });
});
