import type { DomainEvent } from '@haven/domain';

/**
 * The people a participant or mentor chose not to read in group rooms (rooms.hidePerson): one stream per person who
 * hides, `hidden-people-<userId>`, so each list is decided on its own and goes to its owner alone.
 */
export const HIDDEN_PEOPLE_STREAM_PREFIX = 'hidden-people-';
export const hiddenPeopleStreamName = (userId: string) => `${HIDDEN_PEOPLE_STREAM_PREFIX}${userId}`;
export const isHiddenPeopleStream = (streamId: string) => streamId.startsWith(HIDDEN_PEOPLE_STREAM_PREFIX);

export type PersonHidden = DomainEvent<'PersonHidden', { userId: string; hiddenUserId: string; hiddenAt: string }>;
export type PersonUnhidden = DomainEvent<'PersonUnhidden', { userId: string; hiddenUserId: string; unhiddenAt: string }>;
export type HiddenPeopleEvent = PersonHidden | PersonUnhidden;
export const HIDDEN_PEOPLE_EVENT_TYPES: readonly HiddenPeopleEvent['type'][] = ['PersonHidden', 'PersonUnhidden'];

export interface HiddenPeopleState {
  /** hidden user id → since when */
  hidden: ReadonlyMap<string, string>;
}

export const initialHiddenPeople = (): HiddenPeopleState => ({ hidden: new Map() });

export function evolveHiddenPeople(state: HiddenPeopleState, event: HiddenPeopleEvent): HiddenPeopleState {
  const hidden = new Map(state.hidden);
  switch (event.type) {
    case 'PersonHidden':
      hidden.set(event.data.hiddenUserId, event.data.hiddenAt);
      break;
    case 'PersonUnhidden':
      hidden.delete(event.data.hiddenUserId);
      break;
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
  return { hidden };
}
