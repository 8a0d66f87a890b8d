import { randomUUID } from 'node:crypto';
import { describeWithPostgres } from '../../support/postgres';
import { connect } from '../../support/sockets';
import { accepted, post, waitInRoom } from '../rooms/rooms-helpers';
import { twoNodesPerFile } from '../scale-out-helpers';
import { redeem, scheduleSession } from './family-helpers';

/*
 * Family sessions on two API nodes over one PostgreSQL and one Redis: an invite's code is single-use across the
 * nodes (the session's stream decides between redemptions sent at the same moment to both), and the guest it makes
 * is admitted and heard on either node.
 */
describeWithPostgres('family sessions on two nodes', () => {
  const nodes = twoNodesPerFile();
  const someone = (name: string) => `${name}-${randomUUID().slice(0, 8)}`;

  it('one code redeemed at once on both nodes, three times each, makes one guest; the others are told it was used', async () => {
    const kimOnB = await connect(nodes.B, someone('dr-kim'), 'clinician');
    const patOnA = await connect(nodes.A, someone('pat'), 'participant');
    const { sessionId, roomId } = await scheduleSession(kimOnB, patOnA);
    const { code } = await accepted<{ code: string }>(patOnA, 'family.invite', { sessionId, inviteeLabel: 'Mom' });

    const attempts = await Promise.all([nodes.A, nodes.B, nodes.A, nodes.B, nodes.A, nodes.B].map((node) => redeem(node, code)));
    const redeemed = attempts.filter((a) => a.status === 200);
    expect(redeemed).toHaveLength(1);
    for (const refused of attempts.filter((a) => a.status !== 200)) {
      expect(refused).toMatchObject({ status: 422, body: { ok: false, error: { code: 'FAMILY.INVITE_USED' } } });
    }

    // the one guest waits on node A, is admitted by staff on node B, and talks with the participant
    const { token, guestId } = redeemed[0].body.data;
    const guest = await connect(nodes.A, guestId, 'family', { token });
    await kimOnB.waitForEvent((e) => e.type === 'FamilyInviteRedeemed' && e.data.guestId === guestId);
    await accepted(kimOnB, 'family.admit', { sessionId, guestId });
    await waitInRoom(guest, roomId, 'MemberJoined', (e) => e.data.userId === guestId);
    const { messageId } = await post(guest, roomId, 'hello from node A');
    await waitInRoom(kimOnB, roomId, 'MessagePosted', (e) => e.data.messageId === messageId);
    expect(patOnA.events.filter((e) => e.type === 'FamilyInviteRedeemed')).toHaveLength(1);
  });
});
