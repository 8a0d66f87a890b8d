import { DomainError, isOverseer, type Actor, type Decider } from '@haven/domain';
import type { MentoringCommand } from './mentoring.commands';
import { MentoringErrors } from './mentoring.errors';
import type { MentoringEvent } from './mentoring.events';
import { evolveMentee, initialMenteeState, type MenteeState, type MentorRequestState, type PairingState } from './mentoring.state';
import { MAX_FEEDBACK_NOTE_LENGTH, MAX_REASON_LENGTH, optionalText, validPreferences } from './mentoring.validation';

// Clinicians and admins oversee pairings (isOverseer): they may cancel a request or end a pairing for someone's safety.

function requireRequest(state: MenteeState, requestId: string): MentorRequestState {
  const request = state.requests[requestId];
  if (!request) throw MentoringErrors.requestNotFound(requestId);
  return request;
}

function requireOpenRequest(state: MenteeState, requestId: string): MentorRequestState {
  const request = requireRequest(state, requestId);
  if (request.status === 'matched') throw MentoringErrors.requestTaken(requestId);
  if (request.status !== 'open') throw MentoringErrors.requestNotOpen(requestId, request.status);
  return request;
}

/** The participant themself, or an overseer; a mentor or a stranger learns nothing (not found). */
function requireOwnerOrOverseer(actor: Actor, participantId: string, notFound: Error): void {
  if (isOverseer(actor.role)) return;
  if (actor.role !== 'participant' || actor.userId !== participantId) throw notFound;
}

function requirePairingParty(actor: Actor, participantId: string, pairing: PairingState | undefined, pairingId: string): PairingState {
  const party = pairing && (isOverseer(actor.role) || (actor.role === 'participant' && actor.userId === participantId) || (actor.role === 'mentor' && actor.userId === pairing.mentorId));
  if (!pairing || !party) throw MentoringErrors.pairingNotFound(pairingId);
  return pairing;
}

/**
 * The rules of one participant's mentor requests and pairings (stream `mentee-<participantId>`): at most one open
 * request and one active pairing at a time; the first mentor to accept gets the pairing (a second is refused
 * MENTORING.REQUEST_TAKEN, also when the two race on different nodes: the stream's expected revision decides).
 */
export const mentoringDecider: Decider<MentoringCommand, MentoringEvent, MenteeState> = {
  decide(command, state) {
    const { actor, now } = command.context;
    const { participantId } = command.data;
    switch (command.type) {
      case 'RequestMentor': {
        if (actor.role !== 'participant' || actor.userId !== participantId) throw MentoringErrors.notAParticipant();
        const { requestId } = command.data;
        if (state.requests[requestId]) throw MentoringErrors.duplicateRequestId(requestId);
        if (state.openRequestId) throw MentoringErrors.alreadyRequested(state.openRequestId);
        if (state.activePairingId) throw MentoringErrors.alreadyPaired(state.activePairingId);
        const preferences = validPreferences(command.data);
        return [{ type: 'MentorRequested', data: { requestId, participantId, ...preferences, excludedMentors: [...new Set(command.data.hiddenMentors)], requestedAt: now } }];
      }
      case 'CancelMentorRequest': {
        const { requestId } = command.data;
        requireOwnerOrOverseer(actor, participantId, MentoringErrors.requestNotFound(requestId));
        const request = requireRequest(state, requestId);
        if (request.status === 'cancelled') return [];
        requireOpenRequest(state, requestId);
        return [{ type: 'MentorRequestCancelled', data: { requestId, participantId, cancelledAt: now } }];
      }
      case 'AcceptMentorRequest': {
        if (actor.role !== 'mentor') throw MentoringErrors.notAMentor();
        const { requestId, pairingId, roomId } = command.data;
        if (actor.userId === participantId) throw MentoringErrors.forbidden('you cannot mentor yourself');
        const request = requireOpenRequest(state, requestId);
        if (request.excludedMentors.includes(actor.userId)) throw MentoringErrors.excluded(requestId);
        if (state.pairings[pairingId]) throw MentoringErrors.requestTaken(requestId);
        return [{ type: 'PairingStarted', data: { pairingId, requestId, participantId, mentorId: actor.userId, roomId, startedAt: now } }];
      }
      case 'DeclineMentorRequest': {
        if (actor.role !== 'mentor') throw MentoringErrors.notAMentor();
        const { requestId } = command.data;
        const request = requireOpenRequest(state, requestId);
        if (request.excludedMentors.includes(actor.userId)) throw MentoringErrors.excluded(requestId);
        if (request.declinedBy.includes(actor.userId)) return [];
        return [{ type: 'MentorRequestDeclined', data: { requestId, participantId, mentorId: actor.userId, declinedAt: now } }];
      }
      case 'ExpireMentorRequest': {
        if (actor.userId !== 'system') throw new DomainError('AUTH.FORBIDDEN', 'requests are expired by the system');
        const { requestId, openForSeconds } = command.data;
        const request = requireRequest(state, requestId);
        if (request.status !== 'open' || Date.parse(now) < Date.parse(request.requestedAt) + openForSeconds * 1000) return [];
        return [{ type: 'MentorRequestExpired', data: { requestId, participantId, expiredAt: now } }];
      }
      case 'NoticeUnansweredRequest': {
        if (actor.userId !== 'system') throw new DomainError('AUTH.FORBIDDEN', 'the system notices unanswered requests');
        const { requestId, unansweredAfterSeconds } = command.data;
        const request = requireRequest(state, requestId);
        if (request.status !== 'open' || request.unansweredNoticed) return [];
        if (Date.parse(now) < Date.parse(request.requestedAt) + unansweredAfterSeconds * 1000) return [];
        return [{ type: 'MentorRequestUnanswered', data: { requestId, participantId, requestedAt: request.requestedAt, noticedAt: now } }];
      }
      case 'EndPairing': {
        const { pairingId } = command.data;
        const pairing = requirePairingParty(actor, participantId, state.pairings[pairingId], pairingId);
        if (pairing.status === 'ended') return [];
        const reason = optionalText('reason', command.data.reason, MAX_REASON_LENGTH);
        const { mentorId, roomId } = pairing;
        return [{ type: 'PairingEnded', data: { pairingId, participantId, mentorId, roomId, endedBy: actor.userId, reason, rematch: false, endedAt: now } }];
      }
      case 'GivePairingFeedback': {
        const { pairingId, rating } = command.data;
        const pairing = requirePairingParty(actor, participantId, state.pairings[pairingId], pairingId);
        // candid only if the mentor never writes or reads it, and nobody writes it for the participant
        if (actor.role !== 'participant') throw MentoringErrors.forbidden('only the participant says how their pairing went');
        if (pairing.feedbackGiven) throw MentoringErrors.feedbackGiven(pairingId);
        if (!Number.isInteger(rating) || rating < 1 || rating > 5) throw MentoringErrors.invalid('rating', 'a rating is a whole number from 1 to 5');
        const note = optionalText('note', command.data.note, MAX_FEEDBACK_NOTE_LENGTH);
        const { mentorId } = pairing;
        return [{ type: 'PairingFeedbackGiven', data: { pairingId, participantId, mentorId, rating, note, givenAt: now } }];
      }
      case 'RequestRematch': {
        const { pairingId, requestId } = command.data;
        requireOwnerOrOverseer(actor, participantId, MentoringErrors.pairingNotFound(pairingId));
        const pairing = state.pairings[pairingId];
        if (!pairing) throw MentoringErrors.pairingNotFound(pairingId);
        if (pairing.status === 'ended') throw MentoringErrors.pairingEnded(pairingId);
        if (state.requests[requestId]) throw MentoringErrors.duplicateRequestId(requestId);
        const reason = optionalText('reason', command.data.reason, MAX_REASON_LENGTH);
        const earlier = state.requests[pairing.requestId];
        const { mentorId, roomId } = pairing;
        return [
          { type: 'PairingEnded', data: { pairingId, participantId, mentorId, roomId, endedBy: actor.userId, reason, rematch: true, endedAt: now } },
          {
            type: 'MentorRequested',
            data: {
              requestId,
              participantId,
              ...earlier.preferences,
              excludedMentors: [...new Set([...earlier.excludedMentors, mentorId, ...command.data.hiddenMentors])],
              requestedAt: now,
            },
          },
        ];
      }
      default: {
        const _exhaustive: never = command;
        return _exhaustive;
      }
    }
  },
  evolve: evolveMentee,
  initialState: initialMenteeState,
};
