import { DomainError } from '@haven/domain';

/** Every refusal code of the family-sessions context. Clients switch on these; they never change meaning. */
export const FamilyErrors = {
  forbidden: (message: string) => new DomainError('FAMILY.FORBIDDEN', message),
  notFound: () => new DomainError('FAMILY.SESSION_NOT_FOUND', 'no such family session'),
  alreadyExists: (sessionId: string) => new DomainError('FAMILY.ALREADY_EXISTS', 'that session id is taken', { sessionId }),
  ended: () => new DomainError('FAMILY.SESSION_ENDED', 'the family session has ended'),
  inviteNotFound: () => new DomainError('FAMILY.INVITE_NOT_FOUND', 'no such invite'),
  inviteUsed: () => new DomainError('FAMILY.INVITE_USED', 'this invite has been used; ask for a new one'),
  inviteRevoked: () => new DomainError('FAMILY.INVITE_REVOKED', 'this invite was withdrawn; ask for a new one'),
  inviteExpired: (expiresAt: string) => new DomainError('FAMILY.INVITE_EXPIRED', 'this invite has expired; ask for a new one', { expiresAt }),
  tooManyInvites: (max: number) => new DomainError('FAMILY.TOO_MANY_INVITES', `at most ${max} open invites per session`, { max }),
  guestNotFound: (guestId: string) => new DomainError('FAMILY.GUEST_NOT_FOUND', 'no such guest in this session', { guestId }),
  nobodyWaiting: () => new DomainError('FAMILY.NOBODY_WAITING', 'no family member is waiting to be admitted: nobody would read it'),
  guestRemoved: (guestId: string) => new DomainError('FAMILY.GUEST_REMOVED', 'this guest was removed from the session', { guestId }),
  /** `reason`: 'started' (it began at `startsAt`), or 'guests_redeemed' (family members hold tokens for the old times) */
  cannotReschedule: (reason: 'started' | 'guests_redeemed', message: string) => new DomainError('FAMILY.CANNOT_RESCHEDULE', message, { reason }),
  invalid: (field: string, message: string) => new DomainError('FAMILY.INVALID_REQUEST', message, { field }),
} as const;
