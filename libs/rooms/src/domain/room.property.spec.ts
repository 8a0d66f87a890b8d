import fc from 'fast-check';
import { DomainError } from '@haven/domain';
import type { RoomCommand } from './room.commands';
import { roomDecider } from './room.decider';
import type { RoomEvent } from './room.events';
import type { RoomState } from './room.state';
import { PAIRING_ID, command, pairRoomOpened, roomCreated, users } from './testing/room.fixtures';

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

// The same, in a mentor pair's room, with the commands that would change who is in it or how it runs, from anyone
// (staff and the system included): only its pairing changes it, and only by closing it.
const pairCast = [...cast, users.admin, users.system];
const pairCommand: fc.Arbitrary<RoomCommand> = fc.oneof(
  anyCommand,
  fc.constantFrom(...pairCast).map((who) => command('JoinRoom', {}, who)),
  fc.constantFrom(...pairCast).map((who) => command('RenameRoom', { name: 'Ours' }, who)),
  fc.constantFrom(...pairCast).map((who) => command('LockRoom', { reason: null }, who)),
  fc.constantFrom(...pairCast).map((who) => command('SetSlowMode', { intervalSeconds: 30 }, who)),
  fc.constantFrom(...pairCast).map((who) => command('ArchiveRoom', {}, who)),
  fc.tuple(fc.constantFrom(...pairCast), fc.constantFrom(PAIRING_ID, 'pairing-2')).map(([who, pairingId]) =>
    command('OpenPairRoom', { pairingId, participantId: 'carol', mentorId: 'fac-2' }, who),
  ),
  fc.constantFrom(...pairCast).map((who) => command('ClosePairRoom', {}, who)),
);

describe('mentor pair room invariants under random command sequences', () => {
  it('keeps its two plain members and its settings; only the system closes it', () => {
    fc.assert(
      fc.property(fc.array(pairCommand, { maxLength: 60 }), (commands) => {
        let state: RoomState = roomDecider.evolve(roomDecider.initialState(), pairRoomOpened());
        for (const cmd of commands) {
          let events: RoomEvent[] = [];
          try {
            events = roomDecider.decide(cmd, state);
          } catch (error) {
            if (!(error instanceof DomainError)) throw error;
          }
          if (events.some((e) => e.type === 'RoomArchived')) expect(cmd.type === 'ClosePairRoom' && cmd.context.actor === users.system).toBe(true);
          state = events.reduce(roomDecider.evolve, state);
          if (state.status === 'absent') throw new Error('room vanished');
          expect(Object.entries(state.members).map(([id, m]) => [id, m.roomRole])).toEqual([['alice', 'member'], ['mentor-1', 'member']]);
          expect(state).toMatchObject({ kind: 'mentor_pair', pairingId: PAIRING_ID, name: 'Mentor pair', joinRule: 'closed', capacity: 2, locked: false, slowModeSeconds: 0, bans: {}, invites: {} });
        }
      }),
      { numRuns: 300 },
    );
  });
});
