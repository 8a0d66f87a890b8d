import { randomUUID } from 'node:crypto';
import type { AppProcess } from '../../support/app-process';
import { connect } from '../../support/sockets';
import { caughtUp, STORES } from '../../support/stores';
import { advanceClock } from '../../support/test-clock';
import { accepted, freshGroup, httpGet, oneAppPerFile, post, refused, waitInRoom } from './rooms-helpers';

/*
 * A group's open hours (docs/PROTOCOL.md, "Open hours"): its moderators say when the group is staffed; outside those
 * hours members read but do not post, edit, react or type, and are told when it opens; its facilitators and staff
 * speak at any hour, and crisis words are held with help whatever the hour.
 */

const CRISIS_TEXT = 'I cant do this anymore, I want to k i l l   myself tonight';
const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const DAY_MS = 24 * 3600_000;

describe.each(STORES)("a group's open hours on %s", (store) => {
  let app: AppProcess;
  oneAppPerFile(store, (started) => (app = started));

  /** open all of tomorrow (UTC) only, and when that starts, on the app's clock */
  const tomorrowOnly = async () => {
    const now = await advanceClock(app, 0);
    const tomorrow = new Date(Math.floor(now.getTime() / DAY_MS) * DAY_MS + DAY_MS);
    return { now, opensAt: tomorrow, openHours: { timeZone: 'UTC', windows: [{ day: WEEKDAYS[tomorrow.getUTCDay()], from: '00:00', until: '23:59' }] } };
  };

  it('closes the group to members outside its hours, telling them when it opens; its facilitator speaks, crisis words get help, and it opens on time', async () => {
    const { fran, alice, bob, roomId } = await freshGroup(app, { alice: 'participant', bob: 'participant' });
    const earlier = await post(alice, roomId, 'see you tomorrow');
    const { now, opensAt, openHours } = await tomorrowOnly();

    await accepted(fran, 'rooms.setOpenHours', { roomId, openHours });
    const told = await waitInRoom(bob, roomId, 'OpenHoursSet');
    expect(told.data).toEqual({ openHours, by: fran.userId, setAt: expect.any(String) });
    // the same hours again change nothing (PostgreSQL hands the stored hours back with their keys in its own order)
    expect((await accepted(fran, 'rooms.setOpenHours', { roomId, openHours: { windows: openHours.windows, timeZone: 'UTC' } })).events).toEqual([]);
    await caughtUp(app.url);
    expect((await httpGet(app, alice, `/rooms/${roomId}`)).body.data.openHours).toEqual(openHours);
    expect((await httpGet(app, alice, '/me/rooms')).body.data.find((room: { roomId: string }) => room.roomId === roomId).openHours).toEqual(openHours);

    // outside the hours: nothing a member says reaches the room, and nothing is stored
    const closed = { opensAt: opensAt.toISOString(), timeZone: 'UTC' };
    expect((await refused(app, alice, 'rooms.post', { roomId, text: 'anyone up?' }, 'ROOM.OUTSIDE_OPEN_HOURS')).details).toEqual(closed);
    await refused(app, bob, 'rooms.react', { roomId, messageId: earlier.messageId, emoji: '👍' }, 'ROOM.OUTSIDE_OPEN_HOURS');
    await refused(app, alice, 'rooms.edit', { roomId, messageId: earlier.messageId, text: 'see you all tomorrow' }, 'ROOM.OUTSIDE_OPEN_HOURS');
    expect(await alice.send('rooms.typing', { roomId, typing: true })).toMatchObject({ ok: false, error: { code: 'ROOM.OUTSIDE_OPEN_HOURS', details: closed } });
    // the facilitator speaks at any hour; a member's crisis words are held and get help; deleting one's words never waits
    await post(fran, roomId, 'the group opens tomorrow; the crisis line is always there');
    expect(await accepted(bob, 'rooms.post', { roomId, text: CRISIS_TEXT })).toMatchObject({ held: true });
    await accepted(alice, 'rooms.delete', { roomId, messageId: earlier.messageId });

    // once it opens, members speak again
    await advanceClock(app, opensAt.getTime() - now.getTime() + 1000);
    await post(alice, roomId, 'good morning');
    expect(await alice.send('rooms.typing', { roomId, typing: false })).toEqual({ ok: true, data: { sent: true } });

    // removed: open at all hours; each change is in the moderation log
    await accepted(fran, 'rooms.setOpenHours', { roomId, openHours: null });
    await waitInRoom(alice, roomId, 'OpenHoursSet', (e) => e.data.openHours === null);
    await caughtUp(app.url);
    expect((await httpGet(app, alice, `/rooms/${roomId}`)).body.data.openHours).toBeNull();
    const log = (await httpGet(app, fran, `/rooms/${roomId}/moderation-log`)).body.data.filter((entry: { action: string }) => entry.action === 'OpenHoursSet');
    expect(log.map((entry: { actorId: string; detail: string }) => [entry.actorId, entry.detail])).toEqual([
      [fran.userId, `${openHours.windows[0].day} 00:00-23:59 (UTC)`],
      [fran.userId, 'removed'],
    ]);
  });

  it('refuses members setting them, unknown zones, windows that end before they start, and malformed ones; nothing stored', async () => {
    const { fran, alice, roomId } = await freshGroup(app, { alice: 'participant' });
    const evenings = { timeZone: 'America/Chicago', windows: [{ day: 'mon', from: '18:00', until: '21:00' }] };
    await refused(app, alice, 'rooms.setOpenHours', { roomId, openHours: evenings }, 'ROOM.FORBIDDEN');
    expect((await refused(app, fran, 'rooms.setOpenHours', { roomId, openHours: { ...evenings, timeZone: 'Chicago' } }, 'ROOM.INVALID_OPEN_HOURS')).details).toEqual({ field: 'timeZone' });
    const backwards = { ...evenings, windows: [{ day: 'mon', from: '21:00', until: '18:00' }] };
    expect((await refused(app, fran, 'rooms.setOpenHours', { roomId, openHours: backwards }, 'ROOM.INVALID_OPEN_HOURS')).details).toEqual({ field: 'windows.0.until' });
    const fieldsOf = async (openHours: unknown) =>
      (await refused(app, fran, 'rooms.setOpenHours', { roomId, ...(openHours === undefined ? {} : { openHours }) }, 'VALIDATION.FAILED')).details.errors.map((e: { property: string }) => e.property);
    expect(await fieldsOf(undefined)).toEqual(['openHours']);
    expect(await fieldsOf([])).toEqual(['openHours']);
    expect(await fieldsOf({ ...evenings, windows: [{ day: 'funday', from: '18:00', until: '21:00' }] })).toEqual(['openHours.windows.0.day']);
    expect(await fieldsOf({ ...evenings, windows: [{ day: 'mon', from: '6pm', until: '21:00' }] })).toEqual(['openHours.windows.0.from']);
    expect(await fieldsOf({ ...evenings, windows: [] })).toEqual(['openHours.windows']);
    expect(await fieldsOf({ ...evenings, windows: Array.from({ length: 22 }, () => evenings.windows[0]) })).toEqual(['openHours.windows']);
    expect(await fieldsOf({ ...evenings, note: 'x' })).toEqual(['openHours.note']);
    // a room the outsider cannot see tells them nothing of its hours
    const outsider = await connect(app, `olga-${randomUUID().slice(0, 6)}`, 'participant');
    await refused(app, outsider, 'rooms.setOpenHours', { roomId, openHours: evenings }, 'ROOM.NOT_A_MEMBER');
  });
});
