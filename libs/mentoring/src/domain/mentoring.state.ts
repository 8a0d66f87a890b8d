import type { MentorPreferences } from './mentoring.commands';
import type { MentoringEvent } from './mentoring.events';

export interface MentorRequestState {
  status: 'open' | 'matched' | 'cancelled' | 'expired';
  requestedAt: string;
  preferences: MentorPreferences;
  excludedMentors: string[];
  declinedBy: string[];
  /** the care team was told nobody took it (MentorRequestUnanswered) */
  unansweredNoticed?: boolean;
}

export interface PairingState {
  requestId: string;
  mentorId: string;
  roomId: string;
  status: 'active' | 'ended';
  /** the participant gave their feedback on it (PairingFeedbackGiven) */
  feedbackGiven?: boolean;
}

/** One participant's requests and pairings. A participant has few, so plain records do (no persistent maps). */
export interface MenteeState {
  requests: Record<string, MentorRequestState>;
  pairings: Record<string, PairingState>;
  openRequestId: string | null;
  activePairingId: string | null;
}

export const initialMenteeState = (): MenteeState => ({ requests: {}, pairings: {}, openRequestId: null, activePairingId: null });

const withRequest = (state: MenteeState, requestId: string, change: (r: MentorRequestState) => MentorRequestState): MenteeState => {
  const request = state.requests[requestId];
  return request ? { ...state, requests: { ...state.requests, [requestId]: change(request) } } : state;
};

/** Folds one event into the state. Pure. */
export function evolveMentee(state: MenteeState, event: MentoringEvent): MenteeState {
  switch (event.type) {
    case 'MentorRequested': {
      const { requestId, topics, language, availability, note, excludedMentors, requestedAt } = event.data;
      const request: MentorRequestState = { status: 'open', requestedAt, preferences: { topics, language, availability, note }, excludedMentors, declinedBy: [] };
      return { ...state, requests: { ...state.requests, [requestId]: request }, openRequestId: requestId };
    }
    case 'MentorRequestCancelled':
      return { ...withRequest(state, event.data.requestId, (r) => ({ ...r, status: 'cancelled' })), openRequestId: null };
    case 'MentorRequestExpired':
      return { ...withRequest(state, event.data.requestId, (r) => ({ ...r, status: 'expired' })), openRequestId: null };
    case 'MentorRequestUnanswered':
      return withRequest(state, event.data.requestId, (r) => ({ ...r, unansweredNoticed: true }));
    case 'MentorRequestDeclined':
      return withRequest(state, event.data.requestId, (r) => ({ ...r, declinedBy: [...r.declinedBy, event.data.mentorId] }));
    case 'PairingStarted': {
      const { pairingId, requestId, mentorId, roomId } = event.data;
      const matched = withRequest(state, requestId, (r) => ({ ...r, status: 'matched' }));
      return {
        ...matched,
        pairings: { ...matched.pairings, [pairingId]: { requestId, mentorId, roomId, status: 'active' } },
        openRequestId: null,
        activePairingId: pairingId,
      };
    }
    case 'PairingEnded': {
      const pairing = state.pairings[event.data.pairingId];
      if (!pairing) return state;
      return {
        ...state,
        pairings: { ...state.pairings, [event.data.pairingId]: { ...pairing, status: 'ended' } },
        activePairingId: state.activePairingId === event.data.pairingId ? null : state.activePairingId,
      };
    }
    case 'PairingFeedbackGiven': {
      const pairing = state.pairings[event.data.pairingId];
      if (!pairing) return state;
      return { ...state, pairings: { ...state.pairings, [event.data.pairingId]: { ...pairing, feedbackGiven: true } } };
    }
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}
