import type { Actor, Role } from '@haven/domain';
import { familyAudienceOf, familyEventForm } from './family-session.audience';
import type { FamilySessionEvent } from './family-session.events';

const T0 = '2030-01-06T10:00:00.000Z';
const who = (userId: string, role: Role, familySessionId?: string): Actor => ({ userId, role, ...(familySessionId ? { familySessionId } : {}) });
const session = { participantId: 'pat', hostId: 'dr-kim' };
const kim = who('dr-kim', 'clinician');
const lee = who('dr-lee', 'clinician');
const ada = who('ada', 'admin'); // may schedule, admit and end any session: follows them as clinicians do
const pat = who('pat', 'participant');
const bob = who('bob', 'participant');
const guest = who('family-i1', 'family', 's1');
const guestElsewhere = who('family-i1', 'family', 's2');
const familyUnderPat = who('pat', 'family', 's1');

const issued: FamilySessionEvent = {
  type: 'FamilyInviteIssued',
  data: { sessionId: 's1', inviteId: 'i1', codeHash: 'secret-hash', inviteeLabel: 'Mom', expiresAt: T0, invitedBy: 'pat', issuedAt: T0 },
};
const admitted: FamilySessionEvent = { type: 'FamilyGuestAdmitted', data: { sessionId: 's1', guestId: 'family-i1', roomId: 'r1', by: 'dr-kim', admittedAt: T0 } };
const ended: FamilySessionEvent = { type: 'FamilySessionEnded', data: { sessionId: 's1', roomId: 'r1', guestIds: ['family-i1'], by: 'dr-kim', endedAt: T0 } };

const formFor = (viewer: Actor, event: FamilySessionEvent) => {
  const part = familyAudienceOf(viewer, event, session);
  return part ? familyEventForm(event, part.form) : null;
};

describe('who sees what of a family session', () => {
  it('invites reach the session\'s people and clinicians, never with the code\'s hash; never a family login', () => {
    for (const viewer of [kim, lee, ada, pat]) {
      expect(formFor(viewer, issued)).toMatchObject({ inviteId: 'i1', inviteeLabel: 'Mom' });
      expect(formFor(viewer, issued)).not.toHaveProperty('codeHash');
    }
    for (const viewer of [bob, guest, familyUnderPat]) expect(formFor(viewer, issued)).toBeNull();
  });

  it("an invite's expiry reaches the participant, the host and clinicians, never the invitee (who has no login yet)", () => {
    const expired: FamilySessionEvent = { type: 'FamilyInviteExpired', data: { sessionId: 's1', inviteId: 'i1', expiredAt: T0 } };
    for (const viewer of [kim, lee, ada, pat]) expect(formFor(viewer, expired)).toEqual(expired.data);
    for (const viewer of [bob, guest, familyUnderPat]) expect(formFor(viewer, expired)).toBeNull();
  });

  it('a guest sees only their own status, through a family login of this session', () => {
    expect(formFor(guest, admitted)).toEqual({ sessionId: 's1', guestId: 'family-i1', roomId: 'r1', admittedAt: T0 });
    expect(formFor(guest, ended)).toEqual({ sessionId: 's1', endedAt: T0 });
    for (const viewer of [guestElsewhere, familyUnderPat, bob]) expect(formFor(viewer, admitted)).toBeNull();
    for (const staff of [kim, ada]) expect(formFor(staff, admitted)).toMatchObject({ by: 'dr-kim' });
  });
});

describe('a word to the lobby', () => {
  const notice: FamilySessionEvent = {
    type: 'FamilyLobbyNoticeSent',
    data: { sessionId: 's1', participantId: 'pat', guestIds: ['family-i1'], text: 'we start in five minutes', by: 'dr-kim', sentAt: T0 },
  };
  const admittedGuest = who('family-i2', 'family', 's1');

  it('reaches the guests who were waiting, with the words and when, not who wrote them nor who else waits', () => {
    expect(formFor(guest, notice)).toEqual({ sessionId: 's1', text: 'we start in five minutes', sentAt: T0 });
    for (const viewer of [admittedGuest, guestElsewhere, familyUnderPat]) expect(formFor(viewer, notice)).toBeNull();
  });

  it("reaches the session's people and clinicians and admins in full, never another participant", () => {
    for (const viewer of [kim, lee, ada, pat]) expect(formFor(viewer, notice)).toEqual(notice.data);
    expect(formFor(bob, notice)).toBeNull();
  });
});
