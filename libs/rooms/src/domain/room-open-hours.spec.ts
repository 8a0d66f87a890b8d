import type { DomainError } from '@haven/domain';
import { isOpenAt, nextOpening, type OpenHours } from './room-open-hours';
import { speechRestriction } from './room.policy';
import { T0, at, command, event, fold, joined, muted, pairRoomOpened, posted, roomWithAliceAndBob, spec, users } from './testing/room.fixtures';

// T0 is Sunday 6 January 2030, 10:00 UTC
const weekdays = (from: string, until: string) => (['mon', 'tue', 'wed', 'thu', 'fri'] as const).map((day) => ({ day, from, until }));
const officeHours: OpenHours = { timeZone: 'UTC', windows: weekdays('09:00', '17:00') };
const openHoursSet = (openHours: OpenHours | null, by = users.facilitator) => event('OpenHoursSet', { openHours, by: by.userId, setAt: T0 });
const post = (messageId: string, by = users.alice, now = T0) => command('PostMessage', { messageId, text: 'hello' }, by, now);
const postedEvent = (messageId: string, by = users.alice, now = T0) =>
  event('MessagePosted', { messageId, authorId: by.userId, text: 'hello', contentWarning: null, replyTo: null, postedAt: now });
const MONDAY_NINE = '2030-01-07T09:00:00.000Z';

describe("a group's open hours", () => {
  it('are open within a window of the day on the room’s clock, from included, until not; a window ending 23:59 runs to midnight', () => {
    const open = (iso: string, hours: OpenHours = officeHours) => isOpenAt(hours, new Date(iso));
    expect([open('2030-01-07T08:59:00Z'), open(MONDAY_NINE), open('2030-01-07T16:59:59Z'), open('2030-01-07T17:00:00Z'), open(T0)]).toEqual([false, true, true, false, false]);
    const evenings: OpenHours = { timeZone: 'UTC', windows: [{ day: 'sun', from: '20:00', until: '23:59' }, { day: 'mon', from: '00:00', until: '01:00' }] };
    expect([open('2030-01-06T23:59:30Z', evenings), open('2030-01-07T00:30:00Z', evenings), open('2030-01-07T01:00:00Z', evenings)]).toEqual([true, true, false]);
    // 18:00 in Chicago is midnight UTC in winter: the room's own clock decides
    const chicago: OpenHours = { timeZone: 'America/Chicago', windows: [{ day: 'mon', from: '18:00', until: '21:00' }] };
    expect([open('2030-01-08T00:30:00Z', chicago), open('2030-01-07T18:30:00Z', chicago)]).toEqual([true, false]);
    expect(isOpenAt(null, new Date(T0))).toBe(true);
  });

  it('say when the group next opens: later today, tomorrow, or after a weekend, in the room’s zone', () => {
    const next = (iso: string, hours: OpenHours = officeHours) => nextOpening(hours, new Date(iso))?.toISOString();
    expect(next(T0)).toBe(MONDAY_NINE);
    expect(next('2030-01-07T07:00:00Z')).toBe(MONDAY_NINE);
    expect(next('2030-01-07T18:00:00Z')).toBe('2030-01-08T09:00:00.000Z');
    expect(next('2030-01-11T17:30:00Z')).toBe('2030-01-14T09:00:00.000Z');
    expect(next(T0, { timeZone: 'America/Chicago', windows: [{ day: 'mon', from: '18:00', until: '21:00' }] })).toBe('2030-01-08T00:00:00.000Z');
    // a single weekly window, just past: a week on
    expect(next('2030-01-07T09:30:00Z', { timeZone: 'UTC', windows: [{ day: 'mon', from: '09:00', until: '10:00' }] })).toBe('2030-01-14T09:00:00.000Z');
  });

  it("the room's moderators set, change and remove them; the same hours again change nothing", () => {
    spec.given(roomWithAliceAndBob()).when(command('SetOpenHours', { openHours: officeHours }, users.facilitator)).then([openHoursSet(officeHours)]);
    spec.given([...roomWithAliceAndBob(), openHoursSet(officeHours)]).when(command('SetOpenHours', { openHours: null }, users.clinician)).then([openHoursSet(null, users.clinician)]);
    spec.given([...roomWithAliceAndBob(), openHoursSet(officeHours)]).when(command('SetOpenHours', { openHours: { ...officeHours } }, users.facilitator)).thenNothing();
    spec.given(roomWithAliceAndBob()).when(command('SetOpenHours', { openHours: null }, users.facilitator)).thenNothing();
    // as PostgreSQL's jsonb gives the stored event back: its keys in another order
    const asStored = JSON.parse(JSON.stringify({ windows: officeHours.windows.map(({ until, from, day }) => ({ until, from, day })), timeZone: 'UTC' })) as OpenHours;
    spec.given([...roomWithAliceAndBob(), openHoursSet(asStored)]).when(command('SetOpenHours', { openHours: officeHours }, users.facilitator)).thenNothing();
  });

  it('only moderators of a group room, with a known zone and 1 to 21 windows that each end after they start', () => {
    const set = (openHours: OpenHours, by = users.facilitator) => spec.given(roomWithAliceAndBob()).when(command('SetOpenHours', { openHours }, by));
    set(officeHours, users.alice).thenThrows('ROOM.FORBIDDEN');
    spec.given([pairRoomOpened()]).when(command('SetOpenHours', { openHours: officeHours }, users.clinician)).thenThrows('ROOM.PAIR_ROOM');
    set({ ...officeHours, timeZone: 'Mars/Olympus_Mons' }).thenThrows('ROOM.INVALID_OPEN_HOURS', { field: 'timeZone' });
    set({ ...officeHours, windows: [] }).thenThrows('ROOM.INVALID_OPEN_HOURS', { field: 'windows', max: 21 });
    set({ ...officeHours, windows: [...weekdays('08:00', '09:00'), ...weekdays('10:00', '11:00'), ...weekdays('12:00', '13:00'), ...weekdays('14:00', '15:00'), ...weekdays('16:00', '17:00')] }).thenThrows('ROOM.INVALID_OPEN_HOURS', { field: 'windows' });
    set({ ...officeHours, windows: [{ day: 'mon', from: '17:00', until: '09:00' }] }).thenThrows('ROOM.INVALID_OPEN_HOURS', { field: 'windows.0.until' });
    set({ ...officeHours, windows: [{ day: 'mon', from: '9:00', until: '17:00' }] }).thenThrows('ROOM.INVALID_OPEN_HOURS', { field: 'windows.0.from' });
    set({ ...officeHours, windows: [{ day: 'monday' as never, from: '09:00', until: '17:00' }] }).thenThrows('ROOM.INVALID_OPEN_HOURS', { field: 'windows.0.day' });
  });

  it('outside them a member cannot post, edit, react or type, and is told when the group opens; within them, as ever', () => {
    const room = [...roomWithAliceAndBob(), posted('m1', users.bob), openHoursSet(officeHours)];
    const closed = { opensAt: MONDAY_NINE, timeZone: 'UTC' };
    spec.given(room).when(post('m2')).thenThrows('ROOM.OUTSIDE_OPEN_HOURS', closed);
    spec.given(room).when(command('AddReaction', { messageId: 'm1', emoji: '👍' }, users.alice)).thenThrows('ROOM.OUTSIDE_OPEN_HOURS', closed);
    spec.given(room).when(command('EditMessage', { messageId: 'm1', text: 'edited' }, users.bob)).thenThrows('ROOM.OUTSIDE_OPEN_HOURS', closed);
    expect((speechRestriction(fold(room), 'alice', 'participant', T0, { slowMode: false }) as DomainError).code).toBe('ROOM.OUTSIDE_OPEN_HOURS');
    spec.given(room).when(post('m2', users.alice, MONDAY_NINE)).then([postedEvent('m2', users.alice, MONDAY_NINE)]);
    expect(speechRestriction(fold(room), 'alice', 'participant', MONDAY_NINE, { slowMode: false })).toBeNull();
    // removed: open at all hours again
    spec.given([...room, openHoursSet(null)]).when(post('m2')).then([postedEvent('m2')]);
  });

  it("its facilitators and staff speak at any hour; deleting one's words, reporting and leaving never wait; a mute comes first", () => {
    const room = [...roomWithAliceAndBob(), posted('m1', users.alice), joined(users.clinician), openHoursSet(officeHours)];
    spec.given(room).when(post('m2', users.facilitator)).then([postedEvent('m2', users.facilitator)]);
    spec.given(room).when(post('m2', users.clinician)).then([postedEvent('m2', users.clinician)]);
    spec.given(room).when(command('DeleteMessage', { messageId: 'm1' }, users.alice)).then([event('MessageDeleted', { messageId: 'm1', authorId: 'alice', deletedAt: T0 })]);
    spec.given(room).when(command('ReportMessage', { reportId: 'r1', messageId: 'm1', reason: 'unkind' }, users.bob)).then([
      event('MessageReported', { reportId: 'r1', messageId: 'm1', authorId: 'alice', reporterId: 'bob', reason: 'unkind', reportedAt: T0 }),
    ]);
    spec.given([...room, muted(users.alice, at(600))]).when(post('m2')).thenThrows('ROOM.MUTED');
  });
});
