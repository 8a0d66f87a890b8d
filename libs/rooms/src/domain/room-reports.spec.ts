import { T0, at, command, event, joined, muted, posted, roomWithAliceAndBob, spec, users } from './testing/room.fixtures';

const room = [...roomWithAliceAndBob(), posted('m1', users.bob)];
const report = (by = users.alice, data: { reportId?: string; messageId?: string; reason?: string } = {}, now = T0) =>
  command('ReportMessage', { reportId: 'r1', messageId: 'm1', reason: ' unsafe advice ', ...data }, by, now);
const reported = (reportId = 'r1', reporter = 'alice') =>
  event('MessageReported', { reportId, messageId: 'm1', authorId: 'bob', reporterId: reporter, reason: 'unsafe advice', reportedAt: T0 });
const resolve = (by = users.facilitator, data: { outcome?: 'no_action' | 'member_muted'; note?: string | null } = {}) =>
  command('ResolveReport', { reportId: 'r1', outcome: 'member_muted', ...data }, by);

describe('ReportMessage', () => {
  it('lets a member report someone else’s message', () => {
    spec.given(room).when(report()).then([reported()]);
  });

  it('works while the reporter is muted or the room is locked: asking for help always works', () => {
    spec.given([...room, muted(users.alice, at(600))]).when(report()).then([reported()]);
    spec.given([...room, event('RoomLocked', { reason: null, by: 'fac-1', lockedAt: T0 })]).when(report()).then([reported()]);
  });

  it('still reports a message its author deleted', () => {
    spec.given([...room, event('MessageDeleted', { messageId: 'm1', authorId: 'bob', deletedAt: T0 })]).when(report()).then([reported()]);
  });

  it('refuses own messages, unknown messages, non-members, missing reasons', () => {
    spec.given(room).when(report(users.bob)).thenThrows('ROOM.CANNOT_REPORT_OWN_MESSAGE', { messageId: 'm1' });
    spec.given(room).when(report(users.alice, { messageId: 'nope' })).thenThrows('ROOM.MESSAGE_NOT_FOUND');
    spec.given(room).when(report(users.carol)).thenThrows('ROOM.NOT_A_MEMBER');
    spec.given(room).when(report(users.alice, { reason: '' })).thenThrows('ROOM.REASON_REQUIRED');
  });

  it('refuses a used report id and a second open report by the same member', () => {
    spec.given([...room, joined(users.carol), reported()]).when(report(users.carol)).thenThrows('ROOM.DUPLICATE_REPORT_ID', { reportId: 'r1' });
    spec.given([...room, reported()]).when(report(users.alice, { reportId: 'r2' })).thenThrows('ROOM.ALREADY_REPORTED', { reportId: 'r1' });
    spec.given([...room, joined(users.carol), reported()]).when(report(users.carol, { reportId: 'r2' })).then([reported('r2', 'carol')]);
  });
});

describe('ResolveReport', () => {
  const resolved = (by: string, note: string | null = null) =>
    event('ReportResolved', { reportId: 'r1', messageId: 'm1', authorId: 'bob', reporterId: 'alice', outcome: 'member_muted', note, by, resolvedAt: T0 });

  it('lets a moderator resolve, telling the reporter the outcome', () => {
    spec.given([...room, reported()]).when(resolve(users.facilitator, { note: ' thanks for flagging ' })).then([resolved('fac-1', 'thanks for flagging')]);
    spec.given([...room, reported()]).when(resolve(users.clinician)).then([resolved('clin-1')]);
  });

  it('refuses members, unknown or resolved reports, bad outcomes and long notes', () => {
    spec.given([...room, reported()]).when(resolve(users.bob)).thenThrows('ROOM.FORBIDDEN');
    spec.given(room).when(resolve()).thenThrows('ROOM.REPORT_NOT_FOUND', { reportId: 'r1' });
    spec.given([...room, reported(), resolved('fac-1')]).when(resolve()).thenThrows('ROOM.REPORT_ALREADY_RESOLVED');
    spec.given([...room, reported()]).when(resolve(users.facilitator, { outcome: 'shrug' as 'no_action' })).thenThrows('ROOM.INVALID_OUTCOME');
    spec.given([...room, reported()]).when(resolve(users.facilitator, { note: 'x'.repeat(501) })).thenThrows('ROOM.NOTE_TOO_LONG');
  });

  it("leaves a report about a moderator's own message to another moderator", () => {
    const byFacilitator = [...room, posted('m2', users.facilitator)];
    const reportedFacilitator = event('MessageReported', {
      reportId: 'r1', messageId: 'm2', authorId: 'fac-1', reporterId: 'alice', reason: 'unkind', reportedAt: T0,
    });
    spec.given([...byFacilitator, reportedFacilitator]).when(resolve(users.facilitator)).thenThrows('ROOM.CANNOT_RESOLVE_REPORT_ON_OWN_MESSAGE', { reportId: 'r1' });
    spec
      .given([...byFacilitator, reportedFacilitator])
      .when(resolve(users.clinician))
      .then([event('ReportResolved', { reportId: 'r1', messageId: 'm2', authorId: 'fac-1', reporterId: 'alice', outcome: 'member_muted', note: null, by: 'clin-1', resolvedAt: T0 })]);
  });

  it('lets the same member report the message again once resolved', () => {
    spec.given([...room, reported(), resolved('fac-1')]).when(report(users.alice, { reportId: 'r2' })).then([reported('r2')]);
  });
});
