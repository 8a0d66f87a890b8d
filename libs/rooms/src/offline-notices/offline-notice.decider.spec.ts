import { SYSTEM_ACTOR, type Actor } from '@haven/domain';
import { deciderSpec } from '@haven/domain/testing/given-when-then';
import { offlineNoticeDecider, type OfflineNoticeCommand } from './offline-notice.decider';
import { noticeRetryAt, type OfflineNoticeEvent } from './offline-notice.events';

const T0 = '2026-12-03T07:00:00.000Z';
const ids = { userId: 'bob', roomId: 'r1' };
const context = (actor: Actor = SYSTEM_ACTOR) => ({ actor, commandId: 'c', now: T0 });
const attempt = (through: number, n: number, actor?: Actor): OfflineNoticeCommand => ({ type: 'AttemptNotice', data: { ...ids, through, attempt: n }, context: context(actor) });
const outcome = (through: number, n: number, sent: boolean): OfflineNoticeCommand => ({
  type: 'RecordNoticeOutcome',
  data: { ...ids, through, attempt: n, outcome: sent ? { sent: true } : { sent: false, reason: 'http_503' } },
  context: context(),
});
const attempted = (through: number, n: number): OfflineNoticeEvent => ({ type: 'OfflineNoticeAttempted', data: { ...ids, through, attempt: n, attemptedAt: T0 } });
const sent = (through: number, n: number): OfflineNoticeEvent => ({ type: 'OfflineNoticeSent', data: { ...ids, through, attempt: n, sentAt: T0 } });
const failed = (through: number, n: number): OfflineNoticeEvent => ({ type: 'OfflineNoticeFailed', data: { ...ids, through, attempt: n, reason: 'http_503', failedAt: T0 } });
const spec = deciderSpec(offlineNoticeDecider);

describe('telling a member who is away that a room holds messages for them', () => {
  it('takes each attempt once, in order: a node that lost the race for it appends nothing', () => {
    spec.given([]).when(attempt(10, 1)).then([attempted(10, 1)]);
    spec.given([attempted(10, 1)]).when(attempt(10, 1)).then([]);
    spec.given([]).when(attempt(10, 2)).then([]);
    spec.given([attempted(10, 1), failed(10, 1)]).when(attempt(10, 2)).then([attempted(10, 2)]);
  });

  it('tries a notice at most three times, and not again once it got through', () => {
    spec.given([attempted(10, 1), failed(10, 1), attempted(10, 2), failed(10, 2)]).when(attempt(10, 3)).then([attempted(10, 3)]);
    spec.given([attempted(10, 1), failed(10, 1), attempted(10, 2), failed(10, 2), attempted(10, 3), failed(10, 3)]).when(attempt(10, 4)).then([]);
    spec.given([attempted(10, 1), sent(10, 1)]).when(attempt(10, 2)).then([]);
  });

  it('starts a notice about newer messages at attempt 1, never one about older ones', () => {
    spec.given([attempted(10, 1), sent(10, 1)]).when(attempt(25, 1)).then([attempted(25, 1)]);
    spec.given([attempted(10, 1), failed(10, 1), attempted(10, 2)]).when(attempt(25, 1)).then([attempted(25, 1)]);
    spec.given([attempted(25, 1), sent(25, 1)]).when(attempt(10, 1)).then([]);
    spec.given([attempted(10, 1)]).when(attempt(25, 2)).then([]);
  });

  it("records the latest attempt's outcome once", () => {
    spec.given([attempted(10, 1)]).when(outcome(10, 1, false)).then([failed(10, 1)]);
    spec.given([attempted(10, 1), failed(10, 1)]).when(outcome(10, 1, true)).then([]);
    spec.given([attempted(10, 1), attempted(10, 2)]).when(outcome(10, 1, true)).then([]);
    spec.given([attempted(10, 1), attempted(25, 1)]).when(outcome(10, 1, true)).then([]);
    spec.given([attempted(10, 1), failed(10, 1), attempted(10, 2)]).when(outcome(10, 2, true)).then([sent(10, 2)]);
  });

  it("is the system's alone", () => {
    spec.given([]).when(attempt(10, 1, { userId: 'dr-kim', role: 'clinician' })).thenThrows('AUTH.FORBIDDEN');
  });

  it('says what the notice is about, a room or a mentor request, as it was asked', () => {
    const request = { userId: 'maria', requestId: 'q1' };
    spec
      .given([])
      .when({ type: 'AttemptNotice', data: { ...request, through: 7, attempt: 1 }, context: context() })
      .then([{ type: 'OfflineNoticeAttempted', data: { ...request, through: 7, attempt: 1, attemptedAt: T0 } }]);
  });

  it('waits 30 s, then 2 minutes, and gives up after the third attempt', () => {
    expect([1, 2].map((n) => (Date.parse(noticeRetryAt(T0, n)!) - Date.parse(T0)) / 1000)).toEqual([30, 120]);
    expect(noticeRetryAt(T0, 3)).toBeNull();
  });
});
