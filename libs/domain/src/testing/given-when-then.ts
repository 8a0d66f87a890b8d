import { DomainError } from '../domain-error';
import type { Decider } from '../decider';

/**
 * Decider specifications that read as given/when/then, after oskardudycz's DeciderSpecification:
 *   spec.given([RoomCreated...]).when(PostMessage...).then([MessagePosted...])
 *   spec.given([...]).when(...).thenThrows('ROOM.MUTED')
 */
export function deciderSpec<C, E, S>(decider: Decider<C, E, S>) {
  return {
    given(events: E[]) {
      return {
        when(command: C) {
          const run = () => decider.decide(command, events.reduce(decider.evolve, decider.initialState()));
          return {
            then(expected: E[]) {
              expect(run()).toEqual(expected);
            },
            thenNothing() {
              expect(run()).toEqual([]);
            },
            thenThrows(code: string, details?: Record<string, unknown>) {
              let caught: unknown;
              try {
                run();
              } catch (error) {
                caught = error;
              }
              expect(caught).toBeInstanceOf(DomainError);
              expect((caught as DomainError).code).toBe(code);
              if (details) expect((caught as DomainError).details).toMatchObject(details);
            },
          };
        },
      };
    },
  };
}
