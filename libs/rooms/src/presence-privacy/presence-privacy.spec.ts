import type { Actor } from '@haven/domain';
import { deciderSpec } from '@haven/domain/testing/given-when-then';
import { presenceVisibilityDecider, type PresenceVisibilityEvent, type SetPresenceVisible } from './presence-privacy';

const T0 = '2026-12-03T19:30:00.000Z';
const pat: Actor = { userId: 'pat', role: 'participant' };
const choose = (visible: boolean, actor: Actor = pat): SetPresenceVisible => ({ type: 'SetPresenceVisible', data: { visible }, context: { actor, commandId: 'c', now: T0 } });
const chosen = (visible: boolean, userId = 'pat'): PresenceVisibilityEvent => ({ type: 'PresenceVisibilitySet', data: { userId, visible, setAt: T0 } });
const spec = deciderSpec(presenceVisibilityDecider);

describe('being shown online', () => {
  it('a person hides and shows themselves; shown by default; the same choice again changes nothing', () => {
    spec.given([]).when(choose(false)).then([chosen(false)]);
    spec.given([chosen(false)]).when(choose(true)).then([chosen(true)]);
    spec.given([]).when(choose(true)).thenNothing();
    spec.given([chosen(false)]).when(choose(false)).thenNothing();
    spec.given([]).when(choose(false, { userId: 'mo', role: 'mentor' })).then([chosen(false, 'mo')]);
  });

  it('a family guest keeps to their session: refused', () => {
    spec.given([]).when(choose(false, { userId: 'g1', role: 'family' })).thenThrows('ROOM.FORBIDDEN');
  });
});
