import type { Actor, Role } from '@haven/domain';
import { deciderSpec } from '@haven/domain/testing/given-when-then';
import { hiddenPeopleDecider, MAX_HIDDEN_PEOPLE, type HiddenPeopleCommand } from './hidden-people.decider';
import type { HiddenPeopleEvent } from './hidden-people.events';

const T0 = '2026-12-03T16:00:00.000Z';
const alice: Actor = { userId: 'alice', role: 'participant' };
const context = (actor: Actor) => ({ actor, commandId: 'c', now: T0 });
const hide = (hiddenUserId: string, seenAs: Role | null = 'participant', by: Actor = alice): HiddenPeopleCommand => ({
  type: 'HidePerson',
  data: { hiddenUserId, seenAs },
  context: context(by),
});
const unhide = (hiddenUserId: string, by: Actor = alice): HiddenPeopleCommand => ({ type: 'UnhidePerson', data: { hiddenUserId }, context: context(by) });
const hidden = (hiddenUserId: string, userId = 'alice'): HiddenPeopleEvent => ({ type: 'PersonHidden', data: { userId, hiddenUserId, hiddenAt: T0 } });
const unhidden = (hiddenUserId: string): HiddenPeopleEvent => ({ type: 'PersonUnhidden', data: { userId: 'alice', hiddenUserId, unhiddenAt: T0 } });
const spec = deciderSpec(hiddenPeopleDecider);

describe('hiding a person in group rooms', () => {
  it('a participant or mentor hides a peer they met in a group room, once', () => {
    spec.given([]).when(hide('bob')).then([hidden('bob')]);
    spec.given([]).when(hide('mo', 'mentor')).then([hidden('mo')]);
    spec.given([]).when(hide('bob', 'participant', { userId: 'mo', role: 'mentor' })).then([hidden('bob', 'mo')]);
    spec.given([hidden('bob')]).when(hide('bob')).thenNothing();
  });

  it('unhides someone hidden; unhiding someone not hidden changes nothing', () => {
    spec.given([hidden('bob')]).when(unhide('bob')).then([unhidden('bob')]);
    spec.given([hidden('bob'), unhidden('bob')]).when(unhide('bob')).thenNothing();
    spec.given([]).when(unhide('bob')).thenNothing();
    spec.given([hidden('bob'), unhidden('bob')]).when(hide('bob')).then([hidden('bob')]);
  });

  it('staff are never hidden, whatever role the hider has', () => {
    for (const role of ['facilitator', 'clinician', 'admin'] as const) {
      spec.given([]).when(hide('fran', role)).thenThrows('ROOM.CANNOT_HIDE_STAFF', { userId: 'fran' });
    }
  });

  it('staff and family do not hide anyone: staff read everyone in the rooms they work in', () => {
    for (const role of ['facilitator', 'clinician', 'admin', 'family'] as const) {
      spec.given([]).when(hide('bob', 'participant', { userId: 'x', role })).thenThrows('ROOM.FORBIDDEN');
    }
  });

  it('refuses someone never met in a group room (no way to learn who exists), and oneself', () => {
    spec.given([]).when(hide('stranger', null)).thenThrows('ROOM.PERSON_NOT_FOUND', { userId: 'stranger' });
    spec.given([]).when(hide('alice')).thenThrows('ROOM.CANNOT_HIDE_SELF');
  });

  it(`keeps a list of at most ${MAX_HIDDEN_PEOPLE}`, () => {
    const full = Array.from({ length: MAX_HIDDEN_PEOPLE }, (_, i) => hidden(`p${i}`));
    spec.given(full).when(hide('one-more')).thenThrows('ROOM.TOO_MANY_HIDDEN', { max: MAX_HIDDEN_PEOPLE });
    spec.given(full).when(hide('p3')).thenNothing();
    spec.given([...full, unhidden('p3')]).when(hide('one-more')).then([hidden('one-more')]);
  });
});
