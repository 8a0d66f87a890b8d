import { randomUUID } from 'node:crypto';
import type { AppProcess } from '../../support/app-process';
import { connect, settle, type TestClient } from '../../support/sockets';
import { caughtUp, STORES } from '../../support/stores';
import { accepted, freshGroup, httpGet, oneAppPerFile, post, refused, roomEvents, waitInRoom } from './rooms-helpers';

/*
 * A group's agreement (docs/PROTOCOL.md, "Group agreement"): a room's moderators set it; members read it, and take part
 * (post, edit, react) only once they accepted its current version; a change asks again. Crisis words are never held back
 * by it.
 */

const AGREEMENT = 'What is said here stays here. We listen before we advise. No details of using.';
const CRISIS_TEXT = 'I cant do this anymore, I want to k i l l   myself tonight';

describe.each(STORES)("a group's agreement on %s", (store) => {
  let app: AppProcess;
  oneAppPerFile(store, (started) => (app = started));

  const groupOfThree = () => freshGroup(app, { alice: 'participant', bob: 'participant' });
  const agreementFor = async (client: TestClient, roomId: string) => {
    const answer = await httpGet(app, client, `/rooms/${roomId}/agreement`);
    expect(answer.status).toBe(200);
    return answer.body.data;
  };
  const standing = async (client: TestClient, roomId: string) => {
    await caughtUp(app.url);
    return (await httpGet(app, client, '/me/rooms')).body.data.find((room: { roomId: string }) => room.roomId === roomId).agreement;
  };

  it('members read it live and over HTTP, and take part only once they accepted its current version; moderators see who did', async () => {
    const { fran, alice, bob, roomId } = await groupOfThree();
    const earlier = await post(bob, roomId, 'hi all');
    expect(await standing(alice, roomId)).toBeNull();

    await accepted(fran, 'rooms.setAgreement', { roomId, text: `  ${AGREEMENT} ` });
    const told = await waitInRoom(alice, roomId, 'AgreementSet');
    expect(told.data).toEqual({ text: AGREEMENT, version: 1, by: fran.userId, setAt: expect.any(String) });
    expect(await agreementFor(alice, roomId)).toEqual({ text: AGREEMENT, version: 1, setAt: told.data.setAt, accepted: false });
    expect(await standing(alice, roomId)).toEqual({ version: 1, accepted: false });

    // not yet accepted: no post, edit or reaction, and nothing stored
    expect((await refused(app, alice, 'rooms.post', { roomId, text: 'hello' }, 'ROOM.AGREEMENT_NOT_ACCEPTED')).details).toEqual({ version: 1 });
    await refused(app, alice, 'rooms.react', { roomId, messageId: earlier.messageId, emoji: '👍' }, 'ROOM.AGREEMENT_NOT_ACCEPTED');
    await refused(app, bob, 'rooms.edit', { roomId, messageId: earlier.messageId, text: 'hi everyone' }, 'ROOM.AGREEMENT_NOT_ACCEPTED');
    expect(await alice.send('rooms.typing', { roomId, typing: true })).toMatchObject({ ok: false, error: { code: 'ROOM.AGREEMENT_NOT_ACCEPTED', details: { version: 1 } } });
    expect(await fran.send('rooms.typing', { roomId, typing: true })).toEqual({ ok: true, data: { sent: true } });
    // the facilitator speaks without accepting; crisis words are held and get help, agreement or not
    await post(fran, roomId, 'welcome, please read our agreement');
    expect(await accepted(bob, 'rooms.post', { roomId, text: CRISIS_TEXT })).toMatchObject({ held: true });

    const ack = await accepted(alice, 'rooms.acceptAgreement', { roomId, version: 1 });
    expect(ack.events.map((e: { type: string }) => e.type)).toEqual(['AgreementAccepted']);
    await waitInRoom(fran, roomId, 'AgreementAccepted', (e) => e.data.userId === alice.userId);
    await post(alice, roomId, 'hello, I agree');
    expect(await alice.send('rooms.typing', { roomId, typing: false })).toEqual({ ok: true, data: { sent: true } });
    expect(await agreementFor(alice, roomId)).toMatchObject({ version: 1, accepted: true });
    expect(await standing(alice, roomId)).toEqual({ version: 1, accepted: true });
    // who accepted is for the moderators and that member, not the room
    await settle();
    expect(roomEvents(bob, roomId, 'AgreementAccepted')).toEqual([]);
    expect(roomEvents(alice, roomId, 'AgreementAccepted')).toHaveLength(1);

    // new words ask again; accepting what was read before is refused
    await accepted(fran, 'rooms.setAgreement', { roomId, text: `${AGREEMENT} Phones away during check-in.` });
    await waitInRoom(alice, roomId, 'AgreementSet', (e) => e.data.version === 2);
    expect((await refused(app, alice, 'rooms.post', { roomId, text: 'again?' }, 'ROOM.AGREEMENT_NOT_ACCEPTED')).details).toEqual({ version: 2 });
    expect((await refused(app, alice, 'rooms.acceptAgreement', { roomId, version: 1 }, 'ROOM.AGREEMENT_CHANGED')).details).toEqual({ version: 2 });
    await accepted(alice, 'rooms.acceptAgreement', { roomId, version: 2 });
    await post(alice, roomId, 'agreed again');
    expect(await standing(alice, roomId)).toEqual({ version: 2, accepted: true });

    // removed: everyone takes part again
    await accepted(fran, 'rooms.setAgreement', { roomId });
    await waitInRoom(bob, roomId, 'AgreementSet', (e) => e.data.text === null);
    await post(bob, roomId, 'back to it');
    expect(await agreementFor(bob, roomId)).toBeNull();
    // each change is in the room's moderation log
    const log = (await httpGet(app, fran, `/rooms/${roomId}/moderation-log`)).body.data.filter((entry: { action: string }) => entry.action === 'AgreementSet');
    expect(log.map((entry: { actorId: string; detail: string }) => [entry.actorId, entry.detail])).toEqual([
      [fran.userId, 'version 1'],
      [fran.userId, 'version 2'],
      [fran.userId, 'removed'],
    ]);
  });

  it('refuses members setting it, blank or long words, accepting where there is none, and outsiders reading it; nothing stored', async () => {
    const { fran, alice, roomId } = await groupOfThree();
    await refused(app, alice, 'rooms.setAgreement', { roomId, text: AGREEMENT }, 'ROOM.FORBIDDEN');
    await refused(app, fran, 'rooms.setAgreement', { roomId, text: '   ' }, 'ROOM.INVALID_AGREEMENT');
    await refused(app, fran, 'rooms.setAgreement', { roomId, text: 'x'.repeat(2001) }, 'VALIDATION.FAILED');
    await refused(app, alice, 'rooms.acceptAgreement', { roomId, version: 1 }, 'ROOM.NO_AGREEMENT');
    await refused(app, alice, 'rooms.acceptAgreement', { roomId, version: 0 }, 'VALIDATION.FAILED');
    const outsider = await connect(app, `olga-${randomUUID().slice(0, 6)}`, 'participant');
    expect((await httpGet(app, outsider, `/rooms/${roomId}/agreement`)).status).toBe(403);
  });
});
