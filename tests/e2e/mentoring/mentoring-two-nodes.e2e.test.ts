import { randomUUID } from 'node:crypto';
import { describeWithPostgres } from '../../support/postgres';
import { connect, settle } from '../../support/sockets';
import { accepted, command, post, streamOf, waitInRoom } from '../rooms/rooms-helpers';
import { twoNodesPerFile } from '../scale-out-helpers';

/*
 * Mentor pairing on two API nodes over one PostgreSQL and one Redis: what a node decides is the log's, so mentors on
 * either node see every request, and two mentors accepting at once on different nodes get one pairing between them.
 */
describeWithPostgres('mentor pairing on two nodes', () => {
  const nodes = twoNodesPerFile();
  const wishes = { topics: ['anxiety'], language: 'es', availability: 'Saturday mornings' };
  const someone = (name: string) => `${name}-${randomUUID().slice(0, 8)}`;

  it('a request made on node A reaches mentors on both nodes; accepting at once on A and B pairs exactly one of them', async () => {
    const monaOnA = await connect(nodes.A, someone('mona'), 'mentor');
    const maxOnB = await connect(nodes.B, someone('max'), 'mentor');
    const participant = await connect(nodes.A, someone('pat'), 'participant');
    const { requestId } = await accepted<{ requestId: string }>(participant, 'mentoring.request', wishes);
    for (const mentor of [monaOnA, maxOnB]) await mentor.waitForEvent((e) => e.type === 'MentorRequested' && e.data.requestId === requestId);

    const acks = await Promise.all([monaOnA, maxOnB].map((mentor) => command(mentor, 'mentoring.accept', { requestId })));
    const winners = acks.filter((ack) => ack.ok);
    expect(winners).toHaveLength(1);
    expect(acks.find((ack) => !ack.ok)).toMatchObject({ ok: false, error: { code: 'MENTORING.REQUEST_TAKEN' } });
    const winner = acks[0].ok ? monaOnA : maxOnB;
    const loser = winner === monaOnA ? maxOnB : monaOnA;
    const { pairingId, roomId } = (winners[0] as { data: { pairingId: string; roomId: string } }).data;

    // one pairing and one room in the log, whichever node opened it (both may try; the command id makes it once)
    await waitInRoom(participant, roomId, 'PairRoomOpened');
    await loser.waitForEvent((e) => e.type === 'MentorRequestTaken' && e.data.requestId === requestId);
    const { messageId } = await post(participant, roomId, 'hola');
    await waitInRoom(winner, roomId, 'MessagePosted', (e) => e.data.messageId === messageId);
    await settle();
    expect(participant.events.filter((e) => e.type === 'PairingStarted' && e.data.pairingId === pairingId)).toHaveLength(1);
    expect(participant.events.filter((e) => e.streamId === streamOf(roomId) && e.type === 'PairRoomOpened')).toHaveLength(1);
    expect(loser.events.filter((e) => e.streamId === streamOf(roomId))).toEqual([]);
  });
});
