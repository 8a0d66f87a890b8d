import { announcesArrival, announcesDeparture, arrivalMark, type PresenceMark } from './presence';

const mark = (socketId: string, arrivedAt: number, leaving = false): PresenceMark => ({ socketId, arrivedAt, leaving });

describe('presence announcements', () => {
  it('marks a socket as arriving now, not leaving', () => {
    expect(arrivalMark('s1', 5)).toEqual({ socketId: 's1', arrivedAt: 5, leaving: false });
  });

  it('lets exactly one of two sockets that see each other announce online: the earlier, then the lower id', () => {
    const [a, b] = [mark('a', 10), mark('b', 11)];
    expect([announcesArrival(a, [b]), announcesArrival(b, [a])]).toEqual([true, false]);
    const [c, d] = [mark('c', 10), mark('d', 10)];
    expect([announcesArrival(c, [d]), announcesArrival(d, [c])]).toEqual([true, false]);
  });

  it('lets a socket that sees no other announce online, and a second tab not', () => {
    expect(announcesArrival(mark('a', 10), [])).toBe(true);
    expect(announcesArrival(mark('tab2', 50), [mark('tab1', 10)])).toBe(false);
  });

  it('announces online on a reconnect that overlaps the old socket leaving', () => {
    expect(announcesArrival(mark('new', 50), [mark('old', 10, true)])).toBe(true);
  });

  it('announces offline when every other socket is leaving too, and not while one stays', () => {
    expect(announcesDeparture([])).toBe(true);
    expect(announcesDeparture([mark('b', 10, true)])).toBe(true);
    expect(announcesDeparture([mark('b', 10, true), mark('c', 12)])).toBe(false);
  });
});
