import { SYSTEM_ACTOR, type Actor } from '@haven/domain';
import { deciderSpec } from '@haven/domain/testing/given-when-then';
import { safetyPagerDecider, type SafetyPagerCommand } from './safety-pager.decider';
import { pageRetryAt, type PageKind, type SafetyPagerEvent } from './safety-pager.events';

const T0 = '2026-12-03T03:00:00.000Z';
const context = (actor: Actor = SYSTEM_ACTOR) => ({ actor, commandId: 'c', now: T0 });
const attempt = (n: number, kind: PageKind = 'raised', actor?: Actor): SafetyPagerCommand => ({ type: 'AttemptPage', data: { alertId: 'a1', kind, attempt: n }, context: context(actor) });
const outcome = (n: number, sent: boolean, kind: PageKind = 'raised'): SafetyPagerCommand => ({
  type: 'RecordPageOutcome',
  data: { alertId: 'a1', kind, attempt: n, outcome: sent ? { sent: true } : { sent: false, reason: 'http_503' } },
  context: context(),
});
const attempted = (n: number, kind: PageKind = 'raised'): SafetyPagerEvent => ({ type: 'SafetyAlertPageAttempted', data: { alertId: 'a1', kind, attempt: n, attemptedAt: T0 } });
const paged = (n: number, kind: PageKind = 'raised'): SafetyPagerEvent => ({ type: 'SafetyAlertPaged', data: { alertId: 'a1', kind, attempt: n, pagedAt: T0 } });
const failed = (n: number, kind: PageKind = 'raised'): SafetyPagerEvent => ({ type: 'SafetyAlertPageFailed', data: { alertId: 'a1', kind, attempt: n, reason: 'http_503', failedAt: T0 } });
const spec = deciderSpec(safetyPagerDecider);

describe('paging the clinic about an alert', () => {
  it('takes each attempt once, in order: a node that lost the race for it appends nothing', () => {
    spec.given([]).when(attempt(1)).then([attempted(1)]);
    spec.given([attempted(1)]).when(attempt(1)).then([]);
    spec.given([]).when(attempt(2)).then([]);
    spec.given([attempted(1), failed(1)]).when(attempt(2)).then([attempted(2)]);
  });

  it("records the latest attempt's outcome once; after a page got through, no more attempts", () => {
    spec.given([attempted(1)]).when(outcome(1, false)).then([failed(1)]);
    spec.given([attempted(1), failed(1)]).when(outcome(1, true)).then([]);
    spec.given([attempted(1), attempted(2)]).when(outcome(1, true)).then([]);
    spec.given([attempted(1), failed(1), attempted(2)]).when(outcome(2, true)).then([paged(2)]);
    spec.given([attempted(1), paged(1)]).when(attempt(2)).then([]);
  });

  it('pages about a raise and about an escalation separately', () => {
    spec.given([attempted(1), paged(1)]).when(attempt(1, 'escalated')).then([attempted(1, 'escalated')]);
  });

  it('is the system\'s alone', () => {
    spec.given([]).when(attempt(1, 'raised', { userId: 'dr-kim', role: 'clinician' })).thenThrows('AUTH.FORBIDDEN');
  });

  it('waits longer after each attempt, at most five minutes', () => {
    expect([1, 2, 3, 6, 7, 20].map((n) => (Date.parse(pageRetryAt(T0, n)) - Date.parse(T0)) / 1000)).toEqual([10, 20, 40, 300, 300, 300]);
  });
});
