import type { AppProcess } from '../../support/app-process';
import { connect, settle } from '../../support/sockets';
import { headPosition, STORES } from '../../support/stores';
import { accepted, command, createRoom, history, httpGet, joinAll, oneAppPerFile, post, refused, roomEvents, roomWithAliceAndBob, waitInRoom } from './rooms-helpers';

describe.each(STORES)('room messages on %s', (store) => {
  let app: AppProcess;
  oneAppPerFile(store, (started) => (app = started));

  it('a reply carries its content warning and the message it answers, live and in history', async () => {
    const { alice, bob, roomId } = await roomWithAliceAndBob(app);
    const first = await post(alice, roomId, 'rough night, cravings came back');
    const reply = await post(bob, roomId, 'same here last week; what helped was calling my sponsor', {
      contentWarning: 'substance use',
      replyTo: first.messageId,
    });

    const received = await waitInRoom(alice, roomId, 'MessagePosted', (e) => e.data.messageId === reply.messageId);
    expect(received).toMatchObject({
      position: reply.position,
      actorId: 'bob',
      data: { authorId: 'bob', contentWarning: 'substance use', replyTo: first.messageId },
    });

    const page = await history(app, alice, roomId);
    expect(page).toEqual([
      expect.objectContaining({ messageId: first.messageId, contentWarning: null, replyTo: null }),
      expect.objectContaining({ messageId: reply.messageId, contentWarning: 'substance use', replyTo: first.messageId }),
    ]);

    // a reply to a message that does not exist is refused
    const nowhere = '00000000-0000-4000-8000-000000000000';
    await refused(app, bob, 'rooms.post', { roomId, text: 'replying into the void', replyTo: nowhere }, 'ROOM.MESSAGE_NOT_FOUND');
  });

  it('an author edits and deletes their own message and the others see it; nobody else may change it (ROOM.NOT_AUTHOR)', async () => {
    const { fran, alice, bob, roomId } = await roomWithAliceAndBob(app);
    const { messageId } = await post(alice, roomId, 'I have 10 days clean');

    await accepted(alice, 'rooms.edit', { roomId, messageId, text: 'I have 12 days clean' });
    const edited = await waitInRoom(bob, roomId, 'MessageEdited');
    expect(edited).toMatchObject({ actorId: 'alice', data: { messageId, authorId: 'alice', text: 'I have 12 days clean' } });

    await refused(app, bob, 'rooms.edit', { roomId, messageId, text: 'bob rewrites it' }, 'ROOM.NOT_AUTHOR');
    await refused(app, fran, 'rooms.edit', { roomId, messageId, text: 'even the facilitator cannot' }, 'ROOM.NOT_AUTHOR');
    await refused(app, bob, 'rooms.delete', { roomId, messageId }, 'ROOM.NOT_AUTHOR');

    await accepted(alice, 'rooms.delete', { roomId, messageId });
    expect((await waitInRoom(bob, roomId, 'MessageDeleted')).data).toMatchObject({ messageId, authorId: 'alice' });
    await waitInRoom(fran, roomId, 'MessageDeleted');
    // a deleted message is gone: it cannot be edited again
    await refused(app, alice, 'rooms.edit', { roomId, messageId, text: 'back again' }, 'ROOM.MESSAGE_NOT_FOUND');
  });

  it('history over HTTP pages by position (before / after / limit), oldest first, with edits and deletions applied', async () => {
    const { alice, bob, roomId } = await roomWithAliceAndBob(app);
    const posted = [];
    for (const text of ['one', 'two', 'three', 'four', 'five']) posted.push(await post(alice, roomId, text));
    await accepted(alice, 'rooms.edit', { roomId, messageId: posted[1].messageId, text: 'two (edited)' });
    await accepted(alice, 'rooms.delete', { roomId, messageId: posted[3].messageId });

    const texts = (page: any[]) => page.map((m) => m.text);
    const all = await history(app, bob, roomId);
    expect(texts(all)).toEqual(['one', 'two (edited)', 'three', null, 'five']);
    expect(all.map((m) => m.position)).toEqual(posted.map((p) => p.position));
    expect(all[1]).toMatchObject({ editedAt: expect.any(String), deleted: false });
    expect(all[3]).toMatchObject({ messageId: posted[3].messageId, deleted: true, text: null });

    // newest page first
    expect(texts(await history(app, bob, roomId, { limit: 2 }))).toEqual([null, 'five']);
    // older pages: before the oldest message seen so far
    expect(texts(await history(app, bob, roomId, { before: posted[3].position, limit: 2 }))).toEqual(['two (edited)', 'three']);
    expect(texts(await history(app, bob, roomId, { before: posted[1].position, limit: 2 }))).toEqual(['one']);
    // forward from a known position
    expect(texts(await history(app, bob, roomId, { after: posted[0].position, limit: 2 }))).toEqual(['two (edited)', 'three']);
    expect(texts(await history(app, bob, roomId, { after: posted[4].position }))).toEqual([]);

    // out-of-range paging is a validation error, not a crash
    const bad = await httpGet(app, bob, `/rooms/${roomId}/messages?limit=0`);
    expect(bad).toMatchObject({ status: 400, body: { ok: false, error: { code: 'VALIDATION.FAILED' } } });
  });

  it('someone who is not a member cannot read the history or the member list (403 ROOM.NOT_A_MEMBER)', async () => {
    const { alice, roomId } = await roomWithAliceAndBob(app);
    await post(alice, roomId, 'only for the group');
    const mallory = await connect(app, 'mallory', 'participant');

    expect(await httpGet(app, mallory, `/rooms/${roomId}/messages`)).toMatchObject({
      status: 403,
      body: { ok: false, error: { code: 'ROOM.NOT_A_MEMBER' } },
    });
    expect(await httpGet(app, mallory, `/rooms/${roomId}/members`)).toMatchObject({ status: 403, body: { error: { code: 'ROOM.NOT_A_MEMBER' } } });

    // a member who leaves loses read access too
    await accepted(alice, 'rooms.leave', { roomId });
    expect(await httpGet(app, alice, `/rooms/${roomId}/messages`)).toMatchObject({ status: 403, body: { error: { code: 'ROOM.NOT_A_MEMBER' } } });
  });

  it('a read receipt reaches the others as ReadMarked; a private reader is not reported to anyone else', async () => {
    const { fran, alice, bob, roomId } = await roomWithAliceAndBob(app);
    const first = await post(fran, roomId, 'check-in: how is everyone?');

    await accepted(alice, 'rooms.markRead', { roomId, position: first.position });
    const seen = await waitInRoom(bob, roomId, 'ReadMarked', (e) => e.data.userId === 'alice');
    expect(seen.data).toMatchObject({ userId: 'alice', position: first.position, private: false });

    const headBeforePrivate = await headPosition(app.url);
    await accepted(bob, 'rooms.setReadReceiptPrivacy', { roomId, private: true });
    expect((await waitInRoom(bob, roomId, 'ReadReceiptPrivacySet')).data).toMatchObject({ userId: 'bob', private: true });
    await accepted(bob, 'rooms.markRead', { roomId, position: first.position });
    // bob's own devices still learn where he read up to
    expect((await waitInRoom(bob, roomId, 'ReadMarked', (e) => e.data.userId === 'bob')).data).toMatchObject({ private: true });
    await settle();
    for (const other of [alice, fran]) {
      expect(roomEvents(other, roomId, 'ReadMarked').filter((e) => e.data.userId === 'bob')).toEqual([]);
      expect(roomEvents(other, roomId, 'ReadReceiptPrivacySet')).toEqual([]);
    }
    // nor on catch-up
    const aliceTablet = await connect(app, 'alice', 'participant', { lastPosition: headBeforePrivate });
    await settle();
    expect(roomEvents(aliceTablet, roomId)).toEqual([]);

    // public again: the next receipt is shared
    await accepted(bob, 'rooms.setReadReceiptPrivacy', { roomId, private: false });
    const second = await post(fran, roomId, 'glad you are here');
    await accepted(bob, 'rooms.markRead', { roomId, position: second.position });
    expect((await waitInRoom(alice, roomId, 'ReadMarked', (e) => e.data.userId === 'bob')).data).toMatchObject({
      position: second.position,
      private: false,
    });
  });

  it('reactions come and go for everyone; the same reaction twice counts once', async () => {
    const { alice, bob, roomId } = await roomWithAliceAndBob(app);
    const { messageId } = await post(alice, roomId, 'got the job!');

    await accepted(bob, 'rooms.react', { roomId, messageId, emoji: '🎉' });
    expect(await waitInRoom(alice, roomId, 'ReactionAdded')).toMatchObject({ actorId: 'bob', data: { messageId, userId: 'bob', emoji: '🎉' } });
    const again = await command(bob, 'rooms.react', { roomId, messageId, emoji: '🎉' });
    expect(again).toMatchObject({ ok: true, data: { position: null, events: [] } });

    await accepted(bob, 'rooms.unreact', { roomId, messageId, emoji: '🎉' });
    expect((await waitInRoom(alice, roomId, 'ReactionRemoved')).data).toMatchObject({ messageId, userId: 'bob', emoji: '🎉' });
    await settle();
    expect(roomEvents(alice, roomId, 'ReactionAdded')).toHaveLength(1);

    await accepted(alice, 'rooms.delete', { roomId, messageId });
    await refused(app, bob, 'rooms.react', { roomId, messageId, emoji: '👍' }, 'ROOM.MESSAGE_NOT_FOUND');
  });

  it('counts characters as people do (an emoji is one) at the edge as the rules do: within a limit is accepted', async () => {
    const { fran, alice, bob, roomId } = await roomWithAliceAndBob(app);
    // 40 emoji are 80 UTF-16 units, within the content warning's 60 characters
    const warning = '🌧'.repeat(40);
    const { messageId } = await accepted(alice, 'rooms.post', { roomId, text: 'hard day', contentWarning: warning });
    expect((await waitInRoom(bob, roomId, 'MessagePosted')).data).toMatchObject({ messageId, contentWarning: warning });
    // a reaction of 16 emoji (32 units) is within its 16 characters; one more is not
    await accepted(bob, 'rooms.react', { roomId, messageId, emoji: '🎉'.repeat(16) });
    const tooLong = await refused(app, bob, 'rooms.react', { roomId, messageId, emoji: '🎉'.repeat(17) }, 'VALIDATION.FAILED');
    expect(tooLong.details.errors).toEqual([{ property: 'emoji', constraints: { charLength: 'emoji must be 1 to 16 characters long' } }]);
    await accepted(fran, 'rooms.rename', { roomId, name: '🌱'.repeat(100) });
  });
});
