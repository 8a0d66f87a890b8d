import type { RoomAgreementCommand } from './room.commands';
import { RoomErrors } from './room.errors';
import type { RoomEvent } from './room.events';
import { requireActiveRoom, requireMember, requireModerator, requireOrdinaryRoom } from './room.policy';
import type { RoomState } from './room.state';
import { validAgreement } from './room.validation';

/**
 * A group's agreement: its moderators set, change or remove it (not in a mentor pair's or a family session's room, whose
 * people are not a group); a member accepts the version they read. Accepting a version no longer current is refused, so
 * nobody accepts words they were not shown.
 */
export function decideRoomAgreement(command: RoomAgreementCommand, state: RoomState): RoomEvent[] {
  const { actor, now } = command.context;
  const room = requireActiveRoom(state);
  switch (command.type) {
    case 'SetAgreement': {
      requireOrdinaryRoom(room);
      requireModerator(room, actor);
      const text = command.data.text === null ? null : validAgreement(command.data.text);
      if (text === (room.agreement?.text ?? null)) return [];
      return [{ type: 'AgreementSet', data: { text, version: room.agreementVersion + 1, by: actor.userId, setAt: now } }];
    }
    case 'AcceptAgreement': {
      requireMember(room, actor);
      if (!room.agreement) throw RoomErrors.noAgreement();
      if (command.data.version !== room.agreement.version) throw RoomErrors.agreementChanged(room.agreement.version);
      if (room.agreementAccepted[actor.userId] === room.agreement.version) return [];
      return [{ type: 'AgreementAccepted', data: { userId: actor.userId, version: room.agreement.version, acceptedAt: now } }];
    }
    default: {
      const _exhaustive: never = command;
      return _exhaustive;
    }
  }
}
