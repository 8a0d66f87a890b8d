import { REPORT_OUTCOMES, type RoomReportCommand } from './room.commands';
import { RoomErrors } from './room.errors';
import type { RoomEvent } from './room.events';
import { requireActiveRoom, requireMember, requireModerator } from './room.policy';
import type { RoomState } from './room.state';
import { oneOf, validNote, validReason } from './room.validation';

/**
 * Members report messages; moderators resolve reports. Reporting is never blocked by mute or lock: asking for help
 * must always work. A deleted or redacted message can still be reported (the reporter saw it).
 */
export function decideRoomReports(command: RoomReportCommand, state: RoomState): RoomEvent[] {
  const { actor, now } = command.context;
  const room = requireActiveRoom(state);
  const { reportId } = command.data;
  switch (command.type) {
    case 'ReportMessage': {
      requireMember(room, actor);
      const { messageId } = command.data;
      const message = room.messages.get(messageId);
      if (!message) throw RoomErrors.messageNotFound(messageId);
      if (message.authorId === actor.userId) throw RoomErrors.cannotReportOwnMessage(messageId);
      if (room.reports.get(reportId)) throw RoomErrors.duplicateReportId(reportId);
      const openReportId = room.reports.findKey(
        (report) => report.status === 'open' && report.messageId === messageId && report.reporterId === actor.userId,
      );
      if (openReportId) throw RoomErrors.alreadyReported(messageId, openReportId);
      const reason = validReason(command.data.reason);
      return [
        {
          type: 'MessageReported',
          data: { reportId, messageId, authorId: message.authorId, reporterId: actor.userId, reason, reportedAt: now },
        },
      ];
    }
    case 'ResolveReport': {
      requireModerator(room, actor);
      const report = room.reports.get(reportId);
      if (!report) throw RoomErrors.reportNotFound(reportId);
      if (report.status === 'resolved') throw RoomErrors.reportAlreadyResolved(reportId);
      // a moderator whose message was reported is a party to it: another moderator decides, and the reporter stays unnamed
      if (report.authorId === actor.userId) throw RoomErrors.cannotResolveReportOnOwnMessage(reportId);
      const outcome = oneOf(command.data.outcome, REPORT_OUTCOMES, RoomErrors.invalidOutcome);
      const note = validNote(command.data.note);
      return [
        {
          type: 'ReportResolved',
          data: {
            reportId,
            messageId: report.messageId,
            authorId: report.authorId,
            reporterId: report.reporterId,
            outcome,
            note,
            by: actor.userId,
            resolvedAt: now,
          },
        },
      ];
    }
    default: {
      const _exhaustive: never = command;
      return _exhaustive;
    }
  }
}
