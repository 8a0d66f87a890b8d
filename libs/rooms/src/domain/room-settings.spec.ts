import { ROOM_ID, T0, at, command, event, joined, roomCreated, roomWithAliceAndBob, spec, users } from './testing/room.fixtures';

const createData = { name: '  Evening group ', topic: 'Getting through the week', kind: 'peer_support', capacity: 12, joinRule: 'open' } as const;

describe('CreateRoom', () => {
  it.each([users.facilitator, users.clinician, users.admin])('lets staff ($role) create a room and become its facilitator', (by) => {
    spec
      .given([])
      .when(command('CreateRoom', createData, by))
      .then([roomCreated({ createdBy: by.userId, creatorRole: by.role })]);
  });

  it.each([users.alice, users.mentor, users.family])('refuses $role with AUTH.FORBIDDEN', (by) => {
    spec.given([]).when(command('CreateRoom', createData, by)).thenThrows('AUTH.FORBIDDEN');
  });

  it('refuses a room id that is taken', () => {
    spec.given([roomCreated()]).when(command('CreateRoom', createData, users.admin)).thenThrows('ROOM.ALREADY_EXISTS', { roomId: ROOM_ID });
  });

  it.each([1, 501, 2.5, Number.NaN])('refuses capacity %p', (capacity) => {
    spec.given([]).when(command('CreateRoom', { ...createData, capacity }, users.facilitator)).thenThrows('ROOM.INVALID_CAPACITY', { min: 2, max: 500 });
  });

  it.each([2, 500])('accepts capacity %p', (capacity) => {
    spec.given([]).when(command('CreateRoom', { ...createData, capacity }, users.facilitator)).then([roomCreated({ capacity })]);
  });

  it('refuses an unknown kind, join rule, a blank or long name, a long topic', () => {
    const create = (data: object) => command('CreateRoom', { ...createData, ...data } as typeof createData, users.facilitator);
    spec.given([]).when(create({ kind: 'chat' })).thenThrows('ROOM.INVALID_KIND');
    spec.given([]).when(create({ joinRule: 'secret' })).thenThrows('ROOM.INVALID_JOIN_RULE');
    spec.given([]).when(create({ name: '   ' })).thenThrows('ROOM.INVALID_NAME');
    spec.given([]).when(create({ name: 'x'.repeat(101) })).thenThrows('ROOM.INVALID_NAME');
    spec.given([]).when(create({ topic: 'x'.repeat(501) })).thenThrows('ROOM.INVALID_TOPIC');
  });
});

describe('room settings', () => {
  it('refuses any command on a room that does not exist', () => {
    spec.given([]).when(command('RenameRoom', { name: 'x' }, users.admin)).thenThrows('ROOM.NOT_FOUND');
    spec.given([]).when(command('JoinRoom', {}, users.alice)).thenThrows('ROOM.NOT_FOUND');
    spec.given([]).when(command('PostMessage', { messageId: 'm1', text: 'hi' }, users.alice)).thenThrows('ROOM.NOT_FOUND');
  });

  it('lets a room facilitator rename, change the topic and the join rule', () => {
    const by = users.facilitator.userId;
    spec.given([roomCreated()]).when(command('RenameRoom', { name: 'Mornings' }, users.facilitator, at(5))).then([event('RoomRenamed', { name: 'Mornings', by, renamedAt: at(5) })]);
    spec.given([roomCreated()]).when(command('ChangeTopic', { topic: 'Sleep' }, users.facilitator)).then([event('TopicChanged', { topic: 'Sleep', by, changedAt: T0 })]);
    spec
      .given([roomCreated()])
      .when(command('ChangeJoinRule', { joinRule: 'invite_only' }, users.facilitator))
      .then([event('JoinRuleChanged', { joinRule: 'invite_only', by, changedAt: T0 })]);
  });

  it.each([users.clinician, users.admin])('lets a $role administer a room without being in it', (by) => {
    spec.given([roomCreated()]).when(command('RenameRoom', { name: 'Mornings' }, by)).then([event('RoomRenamed', { name: 'Mornings', by: by.userId, renamedAt: T0 })]);
  });

  it('refuses a plain member (ROOM.FORBIDDEN) and a non-member (ROOM.NOT_A_MEMBER)', () => {
    spec.given(roomWithAliceAndBob()).when(command('RenameRoom', { name: 'Ours' }, users.alice)).thenThrows('ROOM.FORBIDDEN');
    spec.given(roomWithAliceAndBob()).when(command('RenameRoom', { name: 'Ours' }, users.carol)).thenThrows('ROOM.NOT_A_MEMBER', { roomId: ROOM_ID });
    // a global facilitator who does not facilitate this room has no say in it
    spec.given([roomCreated()]).when(command('ChangeTopic', { topic: 'x' }, users.facilitator2)).thenThrows('ROOM.NOT_A_MEMBER');
    spec.given([roomCreated(), joined(users.facilitator2)]).when(command('ChangeTopic', { topic: 'x' }, users.facilitator2)).thenThrows('ROOM.FORBIDDEN');
  });

  it('treats setting the current value as a no-op', () => {
    spec.given([roomCreated()]).when(command('RenameRoom', { name: 'Evening group' }, users.facilitator)).thenNothing();
    spec.given([roomCreated()]).when(command('ChangeJoinRule', { joinRule: 'open' }, users.facilitator)).thenNothing();
  });
});

describe('ArchiveRoom', () => {
  const archived = event('RoomArchived', { by: users.facilitator.userId, archivedAt: T0 });

  it('archives for a room facilitator or an admin; not for a member', () => {
    spec.given([roomCreated()]).when(command('ArchiveRoom', {}, users.facilitator)).then([archived]);
    spec.given([roomCreated()]).when(command('ArchiveRoom', {}, users.admin)).then([event('RoomArchived', { by: users.admin.userId, archivedAt: T0 })]);
    spec.given(roomWithAliceAndBob()).when(command('ArchiveRoom', {}, users.alice)).thenThrows('ROOM.FORBIDDEN');
  });

  it.each([
    command('JoinRoom', {}, users.carol),
    command('PostMessage', { messageId: 'm1', text: 'hi' }, users.alice),
    command('MarkRead', { position: 9 }, users.alice),
    command('LeaveRoom', {}, users.alice),
    command('MuteMember', { userId: 'alice', durationSeconds: 60, reason: 'x' }, users.admin),
    command('ArchiveRoom', {}, users.facilitator),
    command('ReportMessage', { reportId: 'r1', messageId: 'm0', reason: 'x' }, users.bob),
  ])('refuses $type once archived', (cmd) => {
    spec.given([...roomWithAliceAndBob(), archived]).when(cmd).thenThrows('ROOM.ARCHIVED', { roomId: ROOM_ID });
  });
});

describe('facilitators', () => {
  const appointed = (who: string) => event('FacilitatorAppointed', { userId: who, by: users.facilitator.userId, appointedAt: T0 });

  it('lets a facilitator appoint a member, who can then moderate', () => {
    spec.given(roomWithAliceAndBob()).when(command('AppointFacilitator', { userId: 'alice' }, users.facilitator)).then([appointed('alice')]);
    spec
      .given([...roomWithAliceAndBob(), appointed('alice')])
      .when(command('SetSlowMode', { intervalSeconds: 30 }, users.alice))
      .then([event('SlowModeSet', { intervalSeconds: 30, by: 'alice', setAt: T0 })]);
  });

  it('refuses a non-member target, a plain member appointing, and ignores a repeat', () => {
    spec.given(roomWithAliceAndBob()).when(command('AppointFacilitator', { userId: 'carol' }, users.facilitator)).thenThrows('ROOM.TARGET_NOT_A_MEMBER', { userId: 'carol' });
    spec.given(roomWithAliceAndBob()).when(command('AppointFacilitator', { userId: 'bob' }, users.alice)).thenThrows('ROOM.FORBIDDEN');
    spec.given([...roomWithAliceAndBob(), appointed('alice')]).when(command('AppointFacilitator', { userId: 'alice' }, users.facilitator)).thenNothing();
  });

  it('removes a facilitator while another remains, never the last', () => {
    spec
      .given([...roomWithAliceAndBob(), appointed('alice')])
      .when(command('RemoveFacilitator', { userId: 'alice' }, users.facilitator))
      .then([event('FacilitatorRemoved', { userId: 'alice', by: 'fac-1', removedAt: T0 })]);
    spec
      .given([...roomWithAliceAndBob(), appointed('alice')])
      .when(command('RemoveFacilitator', { userId: 'fac-1' }, users.facilitator))
      .then([event('FacilitatorRemoved', { userId: 'fac-1', by: 'fac-1', removedAt: T0 })]);
    spec.given(roomWithAliceAndBob()).when(command('RemoveFacilitator', { userId: 'fac-1' }, users.admin)).thenThrows('ROOM.LAST_FACILITATOR');
    spec.given(roomWithAliceAndBob()).when(command('RemoveFacilitator', { userId: 'bob' }, users.facilitator)).thenThrows('ROOM.NOT_A_FACILITATOR');
  });

  it('leaves the role of staff to staff: a member made facilitator cannot take it from the clinician who runs the room', () => {
    spec
      .given([...roomWithAliceAndBob(), appointed('alice')])
      .when(command('RemoveFacilitator', { userId: 'fac-1' }, users.alice))
      .thenThrows('ROOM.FORBIDDEN', { userId: 'fac-1' });
    spec
      .given([...roomWithAliceAndBob(), appointed('alice')])
      .when(command('RemoveFacilitator', { userId: 'fac-1' }, users.clinician))
      .then([event('FacilitatorRemoved', { userId: 'fac-1', by: 'clin-1', removedAt: T0 })]);
  });

  it('takes moderation away from a removed facilitator', () => {
    const removed = event('FacilitatorRemoved', { userId: 'alice', by: 'fac-1', removedAt: T0 });
    spec.given([...roomWithAliceAndBob(), appointed('alice'), removed]).when(command('SetSlowMode', { intervalSeconds: 30 }, users.alice)).thenThrows('ROOM.FORBIDDEN');
  });
});
