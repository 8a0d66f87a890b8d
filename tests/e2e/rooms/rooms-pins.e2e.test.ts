import type { AppProcess } from '../../support/app-process';
import { connect, settle } from '../../support/sockets';
import { headPosition, STORES } from '../../support/stores';
import { accepted, history, httpGet, joinAll, oneAppPerFile, post, refused, roomEvents, roomWithAliceAndBob, waitInRoom } from './rooms-helpers';

/*
 * Pinned messages (docs/PROTOCOL.md, "Pinned messages"): a room's moderators keep up to five of their own or staff's
 * messages in view; every current member reads them, also one who joined after they were said; a deletion or a
 * redaction unpins in the same decision, and members are not told who redacted.
 */
describe.each(STORES)('pinned messages on %s', (store) => {
  let app: AppProcess;
  oneAppPerFile(store, (started) => (app = started));

  it('a facilitator pins group agreements: members get it live, and a member who joins later reads it, not the history before them', async () => {
    const { fran, alice, roomId } = await roomWithAliceAndBob(app);
    const agreements = await post(fran, roomId, 'our agreements: what is said here stays here');
    await post(alice, roomId, 'I had a hard weekend');
    const pin = await accepted(fran, 'rooms.pin', { roomId, messageId: agreements.messageId });
    expect(pin.position).toEqual(expect.any(Number));
    expect((await waitInRoom(alice, roomId, 'MessagePinned')).data).toEqual({
      messageId: agreements.messageId, authorId: 'fran', by: 'fran', pinnedAt: expect.any(String),
    });
    // pinning the pinned changes nothing
    expect(await accepted(fran, 'rooms.pin', { roomId, messageId: agreements.messageId })).toMatchObject({ position: null });

    const carol = await connect(app, 'carol', 'participant');
    await joinAll(roomId, carol);
    const pins = await httpGet(app, carol, `/rooms/${roomId}/pins`);
    expect(pins).toMatchObject({ status: 200, body: { ok: true } });
    expect(pins.body.data).toEqual([{
      pinnedBy: 'fran', pinnedAt: expect.any(String), position: pin.position,
      message: expect.objectContaining({ messageId: agreements.messageId, authorId: 'fran', text: 'our agreements: what is said here stays here', redacted: false }),
    }]);
    // carol reads what was said since she came, not alice's words from before
    expect(await history(app, carol, roomId)).toEqual([]);
    // outside the room: nothing
    const outsider = await connect(app, 'olga', 'participant');
    expect(await httpGet(app, outsider, `/rooms/${roomId}/pins`)).toMatchObject({ status: 403, body: { ok: false, error: { code: 'ROOM.NOT_A_MEMBER' } } });
    // the room's moderation log says who pinned what
    const log = await httpGet(app, fran, `/rooms/${roomId}/moderation-log`);
    expect(log.body.data).toContainEqual(expect.objectContaining({ action: 'MessagePinned', actorId: 'fran', targetUserId: 'fran', messageId: agreements.messageId }));
  });

  it("refuses a member who does not moderate, a participant's words, and a sixth pin; none of it is stored", async () => {
    const { fran, alice, roomId } = await roomWithAliceAndBob(app);
    const own = await post(fran, roomId, 'the schedule for this week');
    const alices = await post(alice, roomId, 'my own number is in here');
    await refused(app, alice, 'rooms.pin', { roomId, messageId: own.messageId }, 'ROOM.FORBIDDEN');
    const words = await refused(app, fran, 'rooms.pin', { roomId, messageId: alices.messageId }, 'ROOM.CANNOT_PIN');
    expect(words.details).toEqual({ messageId: alices.messageId });

    const pinned: string[] = [];
    for (let i = 0; i < 5; i++) {
      const { messageId } = await post(fran, roomId, `resource ${i}`);
      await accepted(fran, 'rooms.pin', { roomId, messageId });
      pinned.push(messageId);
    }
    const full = await refused(app, fran, 'rooms.pin', { roomId, messageId: own.messageId }, 'ROOM.TOO_MANY_PINS');
    expect(full.details).toEqual({ max: 5, pinned });
    await accepted(fran, 'rooms.unpin', { roomId, messageId: pinned[0] });
    await accepted(fran, 'rooms.pin', { roomId, messageId: own.messageId });
    const order = (await httpGet(app, alice, `/rooms/${roomId}/pins`)).body.data.map((p: any) => p.message.messageId);
    expect(order).toEqual([...pinned.slice(1), own.messageId]);
    // unpinning what is not pinned changes nothing
    expect(await accepted(fran, 'rooms.unpin', { roomId, messageId: pinned[0] })).toMatchObject({ position: null });
  });

  it('a redaction or a deletion unpins in the same decision; members are not told who redacted, live or on catch-up', async () => {
    const { fran, alice, roomId } = await roomWithAliceAndBob(app);
    const drKim = await connect(app, 'dr-kim', 'clinician');
    await joinAll(roomId, drKim);
    const before = await headPosition(app.url);
    const resource = await post(drKim, roomId, 'call 555-0100 any time');
    const note = await post(fran, roomId, 'bring the worksheet');
    await accepted(fran, 'rooms.pin', { roomId, messageId: resource.messageId });
    await accepted(fran, 'rooms.pin', { roomId, messageId: note.messageId });

    // a facilitator does not moderate staff's words; an admin, not in the room, does
    const ada = await connect(app, 'ada', 'admin');
    await accepted(ada, 'rooms.redact', { roomId, messageId: resource.messageId, reason: 'an outdated number' });
    const seenByAlice = await waitInRoom(alice, roomId, 'MessageUnpinned');
    expect(seenByAlice.data).toEqual({ messageId: resource.messageId, cause: 'redacted', unpinnedAt: expect.any(String) });
    for (const moderator of [drKim, fran]) expect((await waitInRoom(moderator, roomId, 'MessageUnpinned')).data).toMatchObject({ cause: 'redacted', by: 'ada' });

    await accepted(fran, 'rooms.delete', { roomId, messageId: note.messageId });
    expect((await waitInRoom(alice, roomId, 'MessageUnpinned', (e) => e.data.messageId === note.messageId)).data).toMatchObject({ cause: 'deleted', by: 'fran' });
    expect((await httpGet(app, alice, `/rooms/${roomId}/pins`)).body.data).toEqual([]);

    // the same on catch-up
    const alicesTablet = await connect(app, 'alice', 'participant', { lastPosition: before });
    await settle();
    const unpinned = roomEvents(alicesTablet, roomId, 'MessageUnpinned').map((e) => e.data);
    expect(unpinned).toEqual([
      { messageId: resource.messageId, cause: 'redacted', unpinnedAt: expect.any(String) },
      { messageId: note.messageId, cause: 'deleted', by: 'fran', unpinnedAt: expect.any(String) },
    ]);
    expect(JSON.stringify(roomEvents(alicesTablet, roomId))).not.toContain('an outdated number');
  });
});
