import type { Decider } from '@haven/domain';
import type { RoomCommand } from './room.commands';
import type { RoomEvent } from './room.events';
import { evolveRoom, initialRoomState, type RoomState } from './room.state';
import { decideRoomMembership } from './room-membership.decide';
import { decideRoomMessages } from './room-messages.decide';
import { decideExpireMute, decideRoomModeration } from './room-moderation.decide';
import { decideRoomReports } from './room-reports.decide';
import { decideRoomFamilySession } from './room-family-session.decide';
import { decideRoomPair } from './room-pair.decide';
import { decideRoomPins } from './room-pins.decide';
import { decideRoomAgreement } from './room-agreement.decide';
import { decideRoomOpenHours } from './room-open-hours.decide';
import { decideReleaseHeldMessage } from './room-safety.decide';
import { decideRoomSettings } from './room-settings.decide';

/**
 * The whole of a room's rules (group rooms, mentor pairs' and family sessions' rooms); one stream per room (`room-<roomId>`).
 * Every command re-checks the actor's global role and room membership against the folded state; refusals throw
 * DomainError with a stable `ROOM.*` / `AUTH.*` code. Setting something to the value it already has yields no
 * events; targeting someone in the wrong state (unmuting the unmuted) is refused.
 */
export const roomDecider: Decider<RoomCommand, RoomEvent, RoomState> = {
  decide(command, state) {
    switch (command.type) {
      case 'CreateRoom':
      case 'RenameRoom':
      case 'ChangeTopic':
      case 'ChangeJoinRule':
      case 'ArchiveRoom':
      case 'AppointFacilitator':
      case 'RemoveFacilitator':
        return decideRoomSettings(command, state);
      case 'InviteToRoom':
      case 'JoinRoom':
      case 'LeaveRoom':
      case 'MarkRead':
      case 'SetReadReceiptPrivacy':
      case 'SetAwayNotices':
        return decideRoomMembership(command, state);
      case 'PostMessage':
      case 'EditMessage':
      case 'DeleteMessage':
      case 'AddReaction':
      case 'RemoveReaction':
        return decideRoomMessages(command, state);
      case 'MuteMember':
      case 'UnmuteMember':
      case 'WarnMember':
      case 'RemoveMember':
      case 'BanMember':
      case 'UnbanMember':
      case 'RedactMessage':
      case 'SetSlowMode':
      case 'LockRoom':
      case 'UnlockRoom':
        return decideRoomModeration(command, state);
      case 'PinMessage':
      case 'UnpinMessage':
        return decideRoomPins(command, state);
      case 'SetAgreement':
      case 'AcceptAgreement':
        return decideRoomAgreement(command, state);
      case 'SetOpenHours':
        return decideRoomOpenHours(command, state);
      case 'ReportMessage':
      case 'ResolveReport':
        return decideRoomReports(command, state);
      case 'ExpireMute':
        return decideExpireMute(command, state);
      case 'ReleaseHeldMessage':
        return decideReleaseHeldMessage(command, state);
      case 'OpenPairRoom':
      case 'ClosePairRoom':
        return decideRoomPair(command, state);
      case 'OpenFamilySessionRoom':
      case 'AdmitFamilyGuest':
      case 'RemoveFamilyGuest':
      case 'CloseFamilySessionRoom':
        return decideRoomFamilySession(command, state);
      default: {
        const _exhaustive: never = command;
        return _exhaustive;
      }
    }
  },
  evolve: evolveRoom,
  initialState: initialRoomState,
};
