import type { DomainError } from '@haven/domain';
import { speechRefusal, type SpeechFacts } from './room-speech';
import { speechRestriction } from './room.policy';
import { T0, at, event, fold, joined, muted, roomWithAliceAndBob, users } from './testing/room.fixtures';

// T0 is Sunday 6 January 2030, 10:00 UTC: closed on weekdays-only hours
const weekdays = { timeZone: 'UTC', windows: (['mon', 'tue', 'wed', 'thu', 'fri'] as const).map((day) => ({ day, from: '09:00', until: '17:00' })) };
const free: SpeechFacts = { mute: null, exempt: false, locked: false, openHours: null, agreement: null, slowMode: null };
const codeOf = (refusal: DomainError | null) => refusal?.code ?? null;

describe('speechRefusal: one rule for posts, edits, reactions and typing', () => {
  it('lets a member with nothing against them speak', () => {
    expect(speechRefusal(free, T0)).toBeNull();
    expect(speechRefusal({ ...free, agreement: { version: 2, accepted: true }, slowMode: { seconds: 30, lastPostAt: null } }, T0)).toBeNull();
  });

  it('weighs mute, lock, open hours, the agreement and slow mode in that order', () => {
    const all: SpeechFacts = {
      mute: { mutedUntil: at(600), reason: 'cooling off' },
      exempt: false,
      locked: true,
      openHours: weekdays,
      agreement: { version: 3, accepted: false },
      slowMode: { seconds: 30, lastPostAt: at(-10) },
    };
    expect(speechRefusal(all, T0)?.details).toEqual({ mutedUntil: at(600), reason: 'cooling off' });
    expect(codeOf(speechRefusal({ ...all, mute: null }, T0))).toBe('ROOM.LOCKED');
    expect(speechRefusal({ ...all, mute: null, locked: false }, T0)?.details).toEqual({ opensAt: '2030-01-07T09:00:00.000Z', timeZone: 'UTC' });
    expect(speechRefusal({ ...all, mute: null, locked: false, openHours: null }, T0)?.code).toBe('ROOM.AGREEMENT_NOT_ACCEPTED');
    expect(speechRefusal({ ...all, mute: null, locked: false, openHours: null, agreement: null }, T0)?.details).toEqual({ retryAfterMs: 20_000, intervalSeconds: 30 });
    expect(speechRefusal({ ...all, mute: null, locked: false, openHours: null, agreement: null }, at(20))).toBeNull();
  });

  it("holds the room's facilitators and staff to a mute only", () => {
    const exempt: SpeechFacts = { ...free, exempt: true, locked: true, openHours: weekdays, agreement: { version: 1, accepted: false }, slowMode: { seconds: 30, lastPostAt: T0 } };
    expect(speechRefusal(exempt, T0)).toBeNull();
    expect(codeOf(speechRefusal({ ...exempt, mute: { mutedUntil: at(60), reason: 'r' } }, T0))).toBe('ROOM.MUTED');
  });
});

describe('speechRestriction: the facts read off the folded room', () => {
  const locked = event('RoomLocked', { reason: null, by: 'fac-1', lockedAt: T0 });

  it('a mute holds until it runs out, whether or not its end was appended', () => {
    const room = fold([...roomWithAliceAndBob(), muted(users.alice, at(600))]);
    expect(codeOf(speechRestriction(room, 'alice', 'participant', at(10), { slowMode: false }))).toBe('ROOM.MUTED');
    expect(speechRestriction(room, 'alice', 'participant', at(600), { slowMode: false })).toBeNull();
  });

  it('a lock holds members, not the room facilitators or staff by role (appointed here or not)', () => {
    const room = fold([...roomWithAliceAndBob(), joined(users.clinician), joined(users.facilitator2), locked]);
    expect(codeOf(speechRestriction(room, 'alice', 'participant', T0, { slowMode: false }))).toBe('ROOM.LOCKED');
    for (const staff of [users.facilitator, users.facilitator2, users.clinician]) {
      expect(speechRestriction(room, staff.userId, staff.role, T0, { slowMode: false })).toBeNull();
    }
  });

  it('the agreement holds until the member accepts its current version; slow mode only when asked (not for typing)', () => {
    const agreed = (version: number, who = users.alice) => event('AgreementAccepted', { userId: who.userId, version, acceptedAt: T0 });
    const agreementSet = event('AgreementSet', { text: 'be kind', version: 1, by: 'fac-1', setAt: T0 });
    const room = fold([...roomWithAliceAndBob(), agreementSet]);
    expect(codeOf(speechRestriction(room, 'alice', 'participant', T0, { slowMode: false }))).toBe('ROOM.AGREEMENT_NOT_ACCEPTED');
    expect(speechRestriction(fold([...roomWithAliceAndBob(), agreementSet, agreed(1)]), 'alice', 'participant', T0, { slowMode: false })).toBeNull();

    const slowed = fold([
      ...roomWithAliceAndBob(),
      event('SlowModeSet', { intervalSeconds: 30, by: 'fac-1', setAt: T0 }),
      event('MessagePosted', { messageId: 'm1', authorId: 'alice', text: 'hi', contentWarning: null, replyTo: null, postedAt: T0 }),
    ]);
    expect(codeOf(speechRestriction(slowed, 'alice', 'participant', at(5), { slowMode: true }))).toBe('ROOM.SLOW_MODE');
    expect(speechRestriction(slowed, 'alice', 'participant', at(5), { slowMode: false })).toBeNull();
  });
});
