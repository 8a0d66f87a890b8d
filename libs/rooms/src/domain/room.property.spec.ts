import fc from 'fast-check';
import { DomainError } from '@haven/domain';
import type { RoomCommand } from './room.commands';
import { roomDecider } from './room.decider';
import type { RoomEvent } from './room.events';
import type { RoomState } from './room.state';
import { command, roomCreated, users } from './testing/room.fixtures';

// Random sequences of membership and moderation commands from a mixed cast; refusals are skipped, as the handler
// would. Whatever happens, the room's invariants hold and the decider only ever refuses with a DomainError.
const cast = [users.alice, users.bob, users.carol, users.mentor, users.clinician, users.facilitator2, users.family, users.facilitator];
const targets = cast.map((u) => u.userId);

const anyCommand: fc.Arbitrary<RoomCommand> =
  fc.oneof(
    fc.constantFrom(...cast).map((who) => command('JoinRoom', {}, who)),
    fc.constantFrom(...cast).map((who) => command('LeaveRoom', {}, who)),
    fc.tuple(fc.constantFrom(...cast), fc.constantFrom(...targets)).map(([who, userId]) => command('RemoveMember', { userId, reason: 'r' }, who)),
    fc.tuple(fc.constantFrom(...cast), fc.constantFrom(...targets)).map(([who, userId]) => command('BanMember', { userId, reason: 'r' }, who)),
    fc.tuple(fc.constantFrom(...cast), fc.constantFrom(...targets)).map(([who, userId]) => command('UnbanMember', { userId }, who)),
    fc.tuple(fc.constantFrom(...cast), fc.constantFrom(...targets)).map(([who, userId]) => command('AppointFacilitator', { userId }, who)),
    fc.tuple(fc.constantFrom(...cast), fc.constantFrom(...targets)).map(([who, userId]) => command('RemoveFacilitator', { userId }, who)),
    fc.tuple(fc.constantFrom(...cast), fc.constantFrom(...targets)).map(([who, userId]) => command('InviteToRoom', { userId }, who)),
    fc.constantFrom<'open' | 'invite_only' | 'closed'>('open', 'invite_only', 'closed').map((joinRule) => command('ChangeJoinRule', { joinRule }, users.admin)),
  );

describe('room invariants under random command sequences', () => {
  it('never exceeds capacity, keeps a facilitator, keeps the banned and family out', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 5 }), fc.array(anyCommand, { maxLength: 60 }), (capacity, commands) => {
        let state: RoomState = roomDecider.evolve(roomDecider.initialState(), roomCreated({ capacity }));
        for (const cmd of commands) {
          let events: RoomEvent[] = [];
          try {
            events = roomDecider.decide(cmd, state);
          } catch (error) {
            if (!(error instanceof DomainError)) throw error;
          }
          state = events.reduce(roomDecider.evolve, state);
          if (state.status === 'absent') throw new Error('room vanished');
          const memberIds = Object.keys(state.members);
          expect(memberIds.length).toBeLessThanOrEqual(capacity);
          expect(memberIds.some((id) => state.status !== 'absent' && state.members[id].roomRole === 'facilitator')).toBe(true);
          expect(memberIds.filter((id) => state.status !== 'absent' && state.bans[id])).toEqual([]);
          expect(memberIds).not.toContain(users.family.userId);
        }
      }),
      { numRuns: 300 },
    );
  });
});
