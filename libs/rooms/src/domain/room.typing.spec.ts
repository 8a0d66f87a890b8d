import { DomainError } from '@haven/domain';
import { evolveRoom, initialRoomState } from './room.state';
import { canSignalTyping } from './room.typing';
import { T0, at, event, fold, joined, muted, roomWithAliceAndBob, users } from './testing/room.fixtures';

const codeOf = (result: true | DomainError) => (result === true ? true : result.code);

describe('canSignalTyping', () => {
  const locked = event('RoomLocked', { reason: null, by: 'fac-1', lockedAt: T0 });

  it('allows members and refuses non-members and unknown rooms', () => {
    const room = fold(roomWithAliceAndBob());
    expect(canSignalTyping(room, 'alice', T0)).toBe(true);
    expect(codeOf(canSignalTyping(room, 'carol', T0))).toBe('ROOM.NOT_A_MEMBER');
    expect(codeOf(canSignalTyping(initialRoomState(), 'alice', T0))).toBe('ROOM.NOT_FOUND');
  });

  it('refuses a muted member until the mute runs out', () => {
    const room = fold([...roomWithAliceAndBob(), muted(users.alice, at(600))]);
    const refusal = canSignalTyping(room, 'alice', at(10));
    expect(refusal).toBeInstanceOf(DomainError);
    expect((refusal as DomainError).details).toEqual({ mutedUntil: at(600), reason: 'cooling off' });
    expect(canSignalTyping(room, 'alice', at(600))).toBe(true);
  });

  it('refuses members in a locked room but not facilitators or staff', () => {
    const room = fold([...roomWithAliceAndBob(), joined(users.clinician), locked]);
    expect(codeOf(canSignalTyping(room, 'alice', T0))).toBe('ROOM.LOCKED');
    expect(canSignalTyping(room, 'fac-1', T0)).toBe(true);
    expect(canSignalTyping(room, 'clin-1', T0)).toBe(true);
  });

  it('refuses in an archived room', () => {
    const room = evolveRoom(fold(roomWithAliceAndBob()), event('RoomArchived', { by: 'fac-1', archivedAt: T0 }));
    expect(codeOf(canSignalTyping(room, 'alice', T0))).toBe('ROOM.ARCHIVED');
  });
});
