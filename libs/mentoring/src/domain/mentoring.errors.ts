import { DomainError } from '@haven/domain';

/** Every refusal code of the mentoring context. Clients switch on these; they never change meaning. */
export const MentoringErrors = {
  forbidden: (message: string) => new DomainError('MENTORING.FORBIDDEN', message),
  notAParticipant: () => new DomainError('MENTORING.FORBIDDEN', 'only participants ask for a mentor'),
  notAMentor: () => new DomainError('MENTORING.FORBIDDEN', 'only mentors accept or decline requests'),
  requestNotFound: (requestId: string) => new DomainError('MENTORING.REQUEST_NOT_FOUND', 'no such mentor request', { requestId }),
  pairingNotFound: (pairingId: string) => new DomainError('MENTORING.PAIRING_NOT_FOUND', 'no such pairing', { pairingId }),
  alreadyRequested: (requestId: string) =>
    new DomainError('MENTORING.ALREADY_REQUESTED', 'you already have an open request; cancel it first', { requestId }),
  alreadyPaired: (pairingId: string) =>
    new DomainError('MENTORING.ALREADY_PAIRED', 'you already have a mentor; end the pairing or ask for a rematch', { pairingId }),
  duplicateRequestId: (requestId: string) => new DomainError('MENTORING.DUPLICATE_REQUEST_ID', 'that request id is taken', { requestId }),
  requestNotOpen: (requestId: string, status: string) =>
    new DomainError('MENTORING.REQUEST_NOT_OPEN', `the request is ${status}`, { requestId, status }),
  /** another mentor accepted first */
  requestTaken: (requestId: string) => new DomainError('MENTORING.REQUEST_TAKEN', 'another mentor accepted this request', { requestId }),
  excluded: (requestId: string) =>
    new DomainError('MENTORING.EXCLUDED', 'this request is not open to you (a rematch moved it on, or one of you hides the other)', { requestId }),
  mentorAtCapacity: (max: number) =>
    new DomainError('MENTORING.MENTOR_AT_CAPACITY', `you already mentor ${max} people; end a pairing before taking another`, { max }),
  feedbackGiven: (pairingId: string) =>
    new DomainError('MENTORING.FEEDBACK_ALREADY_GIVEN', 'you already said how this pairing went', { pairingId }),
  pairingEnded: (pairingId: string) => new DomainError('MENTORING.PAIRING_ENDED', 'the pairing has ended', { pairingId }),
  invalid: (field: string, message: string) => new DomainError('MENTORING.INVALID_REQUEST', message, { field }),
} as const;
