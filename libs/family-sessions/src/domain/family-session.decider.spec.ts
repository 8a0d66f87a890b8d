import { SYSTEM_ACTOR, type Actor, type Role } from '@haven/domain';
import { deciderSpec } from '@haven/domain/testing/given-when-then';
import type { FamilySessionCommand, FamilySessionCommandType } from './family-session.commands';
import { familySessionDecider, MAX_LOBBY_NOTICE_LENGTH, MAX_OPEN_INVITES } from './family-session.decider';
import type { FamilySessionEvent, FamilySessionEventType } from './family-session.events';

const T0 = '2030-01-06T10:00:00.000Z';
const at = (minutes: number) => new Date(Date.parse(T0) + minutes * 60_000).toISOString();
const who = (userId: string, role: Role): Actor => ({ userId, role });
const kim = who('dr-kim', 'clinician');
const lee = who('dr-lee', 'clinician');
const pat = who('pat', 'participant');
const bob = who('bob', 'participant');
const fran = who('fran', 'facilitator');
const mona = who('mona', 'mentor');
const guest = { userId: 'family-i1', role: 'family', familySessionId: 's1' } as Actor;

const spec = deciderSpec(familySessionDecider);
type CommandOf<T extends FamilySessionCommandType> = Extract<FamilySessionCommand, { type: T }>;
type EventOf<T extends FamilySessionEventType> = Extract<FamilySessionEvent, { type: T }>;
let seq = 0;
const command = <T extends FamilySessionCommandType>(type: T, data: Omit<CommandOf<T>['data'], 'sessionId'>, by: Actor, now = T0) =>
  ({ type, data: { sessionId: 's1', ...data }, context: { actor: by, commandId: `c${++seq}`, now } }) as unknown as CommandOf<T>;
const event = <T extends FamilySessionEventType>(type: T, data: EventOf<T>['data']): FamilySessionEvent => ({ type, data }) as EventOf<T>;

const times = { startsAt: at(60), endsAt: at(120) };
const scheduled = event('FamilySessionScheduled', { sessionId: 's1', participantId: 'pat', hostId: 'dr-kim', title: 'Family session', ...times, roomId: 'room-s1', scheduledAt: T0 });
const issued = (inviteId = 'i1', by = kim, expiresAt = at(110)) =>
  event('FamilyInviteIssued', { sessionId: 's1', participantId: 'pat', inviteId, codeHash: `hash-${inviteId}`, inviteeLabel: 'Mom', expiresAt, invitedBy: by.userId, issuedAt: T0 });
const redeemed = event('FamilyInviteRedeemed', { sessionId: 's1', inviteId: 'i1', guestId: 'family-i1', inviteeLabel: 'Mom', redeemedAt: T0 });
const schedule = (by: Actor, over: Record<string, unknown> = {}) =>
  command('ScheduleFamilySession', { participantId: 'pat', title: ' Family session ', ...times, roomId: 'room-s1', ...over } as never, by);
const invite = (by: Actor, inviteId = 'i1', expiresAt = at(110)) => command('InviteFamilyMember', { inviteId, codeHash: `hash-${inviteId}`, inviteeLabel: ' Mom ', expiresAt }, by);
const redeem = (codeHash = 'hash-i1', now = T0) => command('RedeemFamilyInvite', { inviteId: 'i1', codeHash, guestId: 'family-i1' }, SYSTEM_ACTOR, now);

describe('scheduling', () => {
  it('a clinician schedules a session for a participant and hosts it', () => {
    spec.given([]).when(schedule(kim)).then([scheduled]);
  });
  it('is for clinicians and admins only', () => {
    for (const by of [pat, fran, mona, guest]) spec.given([]).when(schedule(by)).thenThrows('FAMILY.FORBIDDEN');
  });
  it.each([
    [{ title: '' }, 'title'],
    [{ startsAt: 'tomorrow' }, 'startsAt'],
    [{ endsAt: at(60) }, 'endsAt'],
    [{ endsAt: at(60 + 9 * 60) }, 'endsAt'],
    [{ startsAt: at(-120), endsAt: at(-60) }, 'endsAt'],
    [{ participantId: 'dr-kim' }, 'participantId'],
  ])('refuses %j naming the field', (over, field) => {
    spec.given([]).when(schedule(kim, over)).thenThrows('FAMILY.INVALID_REQUEST', { field });
  });
});

describe('rescheduling', () => {
  const later = { startsAt: at(24 * 60), endsAt: at(24 * 60 + 90) };
  const reschedule = (by: Actor, to: { startsAt: string; endsAt: string } = later, now = T0) => command('RescheduleFamilySession', to, by, now);
  const rescheduled = (by: Actor, to = later, now = T0, inviteExpiries: Record<string, string> = {}) =>
    event('FamilySessionRescheduled', { sessionId: 's1', ...to, inviteExpiries, by: by.userId, rescheduledAt: now });

  it('the host or any clinician moves a session not started; the same times again change nothing', () => {
    spec.given([scheduled]).when(reschedule(kim)).then([rescheduled(kim)]);
    spec.given([scheduled]).when(reschedule(lee)).then([rescheduled(lee)]);
    spec.given([scheduled, rescheduled(kim)]).when(reschedule(kim)).thenNothing();
    spec.given([scheduled]).when(reschedule(pat)).thenThrows('FAMILY.FORBIDDEN');
    for (const by of [bob, fran, mona, guest]) spec.given([scheduled]).when(reschedule(by)).thenThrows('FAMILY.SESSION_NOT_FOUND');
  });
  it('not once it has started, nor once a family member redeemed an invite (their token carries the old times), nor after its end', () => {
    spec.given([scheduled]).when(reschedule(kim, later, at(60))).thenThrows('FAMILY.CANNOT_RESCHEDULE', { reason: 'started' });
    spec.given([scheduled, issued(), redeemed]).when(reschedule(kim)).thenThrows('FAMILY.CANNOT_RESCHEDULE', { reason: 'guests_redeemed' });
    const ended = event('FamilySessionEnded', { sessionId: 's1', roomId: 'room-s1', guestIds: [], by: 'dr-kim', endedAt: T0 });
    spec.given([scheduled, ended]).when(reschedule(kim)).thenThrows('FAMILY.SESSION_ENDED');
  });
  it.each([
    [{ startsAt: 'next week', endsAt: at(200) }, 'startsAt'],
    [{ startsAt: at(200), endsAt: at(200) }, 'endsAt'],
    [{ startsAt: at(200), endsAt: at(200 + 9 * 60) }, 'endsAt'],
    [{ startsAt: at(-120), endsAt: at(-60) }, 'endsAt'],
  ])('refuses times %j naming the field, as scheduling does', (to, field) => {
    spec.given([scheduled]).when(reschedule(kim, to)).thenThrows('FAMILY.INVALID_REQUEST', { field });
  });
  it('moved sooner, an open invite expires by the new end: not redeemed after it, and marked expired then', () => {
    const sooner = { startsAt: at(20), endsAt: at(50) };
    spec.given([scheduled, issued('i1', kim, at(110))]).when(reschedule(kim, sooner)).then([rescheduled(kim, sooner, T0, { i1: at(50) })]);
    const history = [scheduled, issued('i1', kim, at(110)), rescheduled(kim, sooner, T0, { i1: at(50) })];
    spec.given(history).when(redeem('hash-i1', at(50))).thenThrows('FAMILY.INVITE_EXPIRED', { expiresAt: at(50) });
    spec.given(history).when(redeem('hash-i1', at(49))).then([{ ...redeemed, data: { ...redeemed.data, redeemedAt: at(49) } } as FamilySessionEvent]);
    spec.given(history).when(command('ExpireFamilyInvite', { inviteId: 'i1' }, SYSTEM_ACTOR, at(50))).then([event('FamilyInviteExpired', { sessionId: 's1', inviteId: 'i1', expiredAt: at(50) })]);
  });
});

describe('rescheduling later', () => {
  const DAY = 24 * 60;
  const nextDay = { startsAt: at(DAY), endsAt: at(DAY + 60) };
  const reschedule = command('RescheduleFamilySession', nextDay, kim);

  it('gives each open invite 72 hours from when it was sent, never past the new end; one already past its time stays so', () => {
    const sentNow = issued('i1', pat, at(110));
    const sentEarlier = { ...issued('i2', pat, at(5)), data: { ...issued('i2', pat, at(5)).data, issuedAt: at(-71 * 60) } } as FamilySessionEvent;
    const spent = issued('i3', pat, at(-1));
    spec
      .given([scheduled, sentNow, sentEarlier, spent])
      .when(reschedule)
      .then([event('FamilySessionRescheduled', { sessionId: 's1', ...nextDay, inviteExpiries: { i1: at(DAY + 60), i2: at(60) }, by: 'dr-kim', rescheduledAt: T0 })]);
  });
  it('leaves a redeemed, withdrawn or expired invite out', () => {
    const withdrawn = event('FamilyInviteRevoked', { sessionId: 's1', inviteId: 'i1', by: 'pat', revokedAt: T0 });
    spec.given([scheduled, issued('i1', pat), withdrawn]).when(reschedule).then([event('FamilySessionRescheduled', { sessionId: 's1', ...nextDay, inviteExpiries: {}, by: 'dr-kim', rescheduledAt: T0 })]);
  });
});

describe('invites', () => {
  it('the host, any clinician or the participant invites; others learn the session does not exist', () => {
    spec.given([scheduled]).when(invite(kim)).then([issued()]);
    spec.given([scheduled]).when(invite(pat)).then([issued('i1', pat)]);
    spec.given([scheduled]).when(invite(lee)).then([issued('i1', lee)]);
    for (const by of [bob, fran, mona, guest]) spec.given([scheduled]).when(invite(by)).thenThrows('FAMILY.SESSION_NOT_FOUND');
  });
  it(`keeps at most ${MAX_OPEN_INVITES} open invites`, () => {
    const many = Array.from({ length: MAX_OPEN_INVITES }, (_, i) => issued(`i${i + 10}`));
    spec.given([scheduled, ...many]).when(invite(kim, 'i99')).thenThrows('FAMILY.TOO_MANY_INVITES');
  });
  it('a revoked invite cannot be redeemed; a used one cannot be revoked', () => {
    const revoked = event('FamilyInviteRevoked', { sessionId: 's1', inviteId: 'i1', by: 'pat', revokedAt: T0 });
    spec.given([scheduled, issued()]).when(command('RevokeFamilyInvite', { inviteId: 'i1' }, pat)).then([revoked]);
    spec.given([scheduled, issued(), revoked]).when(redeem()).thenThrows('FAMILY.INVITE_REVOKED');
    spec.given([scheduled, issued(), redeemed]).when(command('RevokeFamilyInvite', { inviteId: 'i1' }, kim)).thenThrows('FAMILY.INVITE_USED');
  });
});

describe('redeeming', () => {
  it('makes a waiting guest, once; only the system redeems, with the right code, before it expires', () => {
    spec.given([scheduled, issued()]).when(redeem()).then([redeemed]);
    spec.given([scheduled, issued(), redeemed]).when(redeem()).thenThrows('FAMILY.INVITE_USED');
    spec.given([scheduled, issued()]).when(redeem('hash-other')).thenThrows('FAMILY.INVITE_NOT_FOUND');
    spec.given([scheduled, issued()]).when(redeem('hash-i1', at(110))).thenThrows('FAMILY.INVITE_EXPIRED');
    spec.given([scheduled, issued()]).when(command('RedeemFamilyInvite', { inviteId: 'i1', codeHash: 'hash-i1', guestId: 'x' }, kim)).thenThrows('FAMILY.FORBIDDEN');
  });
  it('an ended session takes nobody in', () => {
    const ended = event('FamilySessionEnded', { sessionId: 's1', roomId: 'room-s1', guestIds: [], by: 'dr-kim', endedAt: T0 });
    spec.given([scheduled, issued(), ended]).when(redeem()).thenThrows('FAMILY.SESSION_ENDED');
  });
});

describe('expiring', () => {
  const expire = (by: Actor, now: string) => command('ExpireFamilyInvite', { inviteId: 'i1' }, by, now);
  const expired = event('FamilyInviteExpired', { sessionId: 's1', inviteId: 'i1', expiredAt: at(110) });
  const ended = event('FamilySessionEnded', { sessionId: 's1', roomId: 'room-s1', guestIds: [], by: 'system', endedAt: at(100) });

  it('the system marks an open invite once its time has passed, also in an ended session, and only once', () => {
    spec.given([scheduled, issued()]).when(expire(SYSTEM_ACTOR, at(110))).then([expired]);
    spec.given([scheduled, issued(), ended]).when(expire(SYSTEM_ACTOR, at(110))).then([expired]);
    spec.given([scheduled, issued(), expired]).when(expire(SYSTEM_ACTOR, at(111))).thenNothing();
  });

  it('does nothing before its time or to an invite redeemed or revoked; it is the system\'s alone', () => {
    spec.given([scheduled, issued()]).when(expire(SYSTEM_ACTOR, at(109))).thenNothing();
    spec.given([scheduled, issued(), redeemed]).when(expire(SYSTEM_ACTOR, at(110))).thenNothing();
    spec.given([scheduled, issued(), event('FamilyInviteRevoked', { sessionId: 's1', inviteId: 'i1', by: 'dr-kim', revokedAt: T0 })]).when(expire(SYSTEM_ACTOR, at(110))).thenNothing();
    spec.given([scheduled, issued()]).when(expire(kim, at(110))).thenThrows('FAMILY.FORBIDDEN');
  });

  it('an expired invite is not redeemed, whatever the clock says; revoking it does nothing', () => {
    spec.given([scheduled, issued(), expired]).when(redeem('hash-i1', T0)).thenThrows('FAMILY.INVITE_EXPIRED');
    spec.given([scheduled, issued(), expired]).when(command('RevokeFamilyInvite', { inviteId: 'i1' }, kim)).thenNothing();
  });
});

describe('reminding of an unused invite', () => {
  // a session three hours on; an invite sent now is told of an hour before it, once, if still unused
  const later = event('FamilySessionScheduled', { sessionId: 's1', participantId: 'pat', hostId: 'dr-kim', title: 'Family session', startsAt: at(180), endsAt: at(240), roomId: 'room-s1', scheduledAt: T0 });
  const sent = issued('i1', pat, at(230));
  const remind = (now: string, by: Actor = SYSTEM_ACTOR) => command('RemindOfUnusedInvite', { inviteId: 'i1' }, by, now);
  const reminded = event('FamilyInviteUnusedBeforeSession', { sessionId: 's1', inviteId: 'i1', invitedBy: 'pat', startsAt: at(180), remindedAt: at(120) });

  it('tells the session an hour before it of an invite still unused, once', () => {
    spec.given([later, sent]).when(remind(at(120))).then([reminded]);
    spec.given([later, sent, reminded]).when(remind(at(121))).thenNothing();
  });
  it('not before then, nor of an invite used, withdrawn or sent within that hour, nor after the session ended; only the system', () => {
    spec.given([later, sent]).when(remind(at(119))).thenNothing();
    spec.given([later, sent, { ...redeemed }]).when(remind(at(120))).thenNothing();
    spec.given([later, sent, event('FamilyInviteRevoked', { sessionId: 's1', inviteId: 'i1', by: 'pat', revokedAt: T0 })]).when(remind(at(120))).thenNothing();
    spec.given([later, issued('i1', pat, at(230))].map((e) => (e.type === 'FamilyInviteIssued' ? ({ ...e, data: { ...e.data, issuedAt: at(130) } } as FamilySessionEvent) : e))).when(remind(at(150))).thenNothing();
    spec.given([later, sent, event('FamilySessionEnded', { sessionId: 's1', roomId: 'room-s1', guestIds: [], by: 'dr-kim', endedAt: at(10) })]).when(remind(at(120))).thenNothing();
    spec.given([later, sent]).when(remind(at(120), kim)).thenThrows('FAMILY.FORBIDDEN');
  });
  it('follows the session when it moves: an hour before its new start', () => {
    const moved = event('FamilySessionRescheduled', { sessionId: 's1', startsAt: at(150), endsAt: at(210), by: 'dr-kim', rescheduledAt: T0 });
    spec.given([later, sent, moved]).when(remind(at(89))).thenNothing();
    spec.given([later, sent, moved]).when(remind(at(90))).then([{ ...reminded, data: { ...reminded.data, startsAt: at(150), remindedAt: at(90) } } as FamilySessionEvent]);
  });
});

describe('admitting, removing, ending', () => {
  const admit = (by: Actor) => command('AdmitFamilyGuest', { guestId: 'family-i1' }, by);
  const admitted = event('FamilyGuestAdmitted', { sessionId: 's1', guestId: 'family-i1', roomId: 'room-s1', by: 'dr-kim', admittedAt: T0 });
  const removed = event('FamilyGuestRemoved', { sessionId: 's1', guestId: 'family-i1', roomId: 'room-s1', by: 'dr-kim', removedAt: T0 });

  it('staff admit a waiting guest, once; the participant and guests cannot', () => {
    spec.given([scheduled, issued(), redeemed]).when(admit(kim)).then([admitted]);
    spec.given([scheduled, issued(), redeemed, admitted]).when(admit(kim)).thenNothing();
    spec.given([scheduled, issued(), redeemed]).when(admit(pat)).thenThrows('FAMILY.FORBIDDEN');
    spec.given([scheduled, issued(), redeemed]).when(admit(guest)).thenThrows('FAMILY.SESSION_NOT_FOUND');
    spec.given([scheduled, issued()]).when(admit(kim)).thenThrows('FAMILY.GUEST_NOT_FOUND');
  });
  it('a removed guest stays out', () => {
    spec.given([scheduled, issued(), redeemed, admitted]).when(command('RemoveFamilyGuest', { guestId: 'family-i1' }, kim)).then([removed]);
    spec.given([scheduled, issued(), redeemed, admitted, removed]).when(admit(kim)).thenThrows('FAMILY.GUEST_REMOVED');
  });
  it('ending tells the guests not removed; the system ends an overdue session', () => {
    const end = (by: Actor) => command('EndFamilySession', {}, by);
    spec.given([scheduled, issued(), redeemed]).when(end(kim)).then([event('FamilySessionEnded', { sessionId: 's1', roomId: 'room-s1', guestIds: ['family-i1'], by: 'dr-kim', endedAt: T0 })]);
    spec.given([scheduled]).when(end(SYSTEM_ACTOR)).then([event('FamilySessionEnded', { sessionId: 's1', roomId: 'room-s1', guestIds: [], by: 'system', endedAt: T0 })]);
    spec.given([scheduled]).when(end(pat)).thenThrows('FAMILY.FORBIDDEN');
  });
});

describe('telling the lobby', () => {
  const tell = (by: Actor, text = ' we start in five minutes ', now = T0) => command('TellFamilyLobby', { text }, by, now);
  const told = (by: Actor, guestIds = ['family-i1']) =>
    event('FamilyLobbyNoticeSent', { sessionId: 's1', participantId: 'pat', guestIds, text: 'we start in five minutes', by: by.userId, sentAt: T0 });
  const redeemedI2 = event('FamilyInviteRedeemed', { sessionId: 's1', inviteId: 'i2', guestId: 'family-i2', inviteeLabel: 'Dad', redeemedAt: T0 });
  const waiting = [scheduled, issued(), redeemed];

  it('the host, clinicians and admins tell the guests waiting to be admitted, trimmed', () => {
    for (const by of [kim, lee, who('ada', 'admin')]) spec.given(waiting).when(tell(by)).then([told(by)]);
  });
  it('names only the guests still waiting: not one admitted, not one removed', () => {
    const admittedI1 = event('FamilyGuestAdmitted', { sessionId: 's1', guestId: 'family-i1', roomId: 'room-s1', by: 'dr-kim', admittedAt: T0 });
    spec.given([...waiting, issued('i2'), redeemedI2, admittedI1]).when(tell(kim)).then([told(kim, ['family-i2'])]);
    const removedI2 = event('FamilyGuestRemoved', { sessionId: 's1', guestId: 'family-i2', roomId: 'room-s1', by: 'dr-kim', removedAt: T0 });
    spec.given([...waiting, issued('i2'), redeemedI2, removedI2]).when(tell(kim)).then([told(kim, ['family-i1'])]);
  });
  it('refuses when nobody waits, so the writer does not think it was read', () => {
    spec.given([scheduled]).when(tell(kim)).thenThrows('FAMILY.NOBODY_WAITING');
    spec.given([scheduled, issued()]).when(tell(kim)).thenThrows('FAMILY.NOBODY_WAITING');
  });
  it('is not for the participant, and others learn the session does not exist', () => {
    spec.given(waiting).when(tell(pat)).thenThrows('FAMILY.FORBIDDEN');
    for (const by of [bob, fran, mona, guest]) spec.given(waiting).when(tell(by)).thenThrows('FAMILY.SESSION_NOT_FOUND');
  });
  it('refuses empty or overlong text naming the field, and an ended or unknown session', () => {
    spec.given(waiting).when(tell(kim, '   ')).thenThrows('FAMILY.INVALID_REQUEST', { field: 'text' });
    spec.given(waiting).when(tell(kim, 'x'.repeat(MAX_LOBBY_NOTICE_LENGTH + 1))).thenThrows('FAMILY.INVALID_REQUEST', { field: 'text' });
    const ended = event('FamilySessionEnded', { sessionId: 's1', roomId: 'room-s1', guestIds: ['family-i1'], by: 'dr-kim', endedAt: T0 });
    spec.given([...waiting, ended]).when(tell(kim)).thenThrows('FAMILY.SESSION_ENDED');
    spec.given([]).when(tell(kim)).thenThrows('FAMILY.SESSION_NOT_FOUND');
  });
});
