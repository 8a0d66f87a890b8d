import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { AppProcess, freshData } from '../../support/app-process';
import { readLog } from '../../support/event-log';
import { describeWithPostgres } from '../../support/postgres';
import { closeAllClients, connect, settle, type Ack, type TestClient } from '../../support/sockets';
import { headPosition } from '../../support/stores';
import { createRoom, joinAll, post, streamOf } from '../rooms/rooms-helpers';
import { twoNodesPerFile } from '../scale-out-helpers';

/*
 * What one member with no special role can make the server and the other members pay by flooding what is not the
 * crisis path. Each flood is fired at once by alice, through the real app on SQLite with the limits a deployment ships
 * with (docs/PROTOCOL.md, "Limits"; slow mode, a room's own limit, is off here); rooms.presence also across two nodes
 * with Redis. Meanwhile other members post, and everyone must get every post. The test fails when the server stops
 * answering correctly, or lets more through than its limit; the numbers are printed after the file.
 *
 * First run on 2026-12-01 without those limits (socket messages were unlimited then, except `sync` and typing), each
 * flood of 300: posts reached every member (1.3 MB each); reactions, read marks, receipt switches and join/leave loops
 * each appended up to one event per message, sent to every member; 610 history pages held others' posts 3-5 s.
 */

const FLOOD_SIZE = 300;
/** the longest text the rules allow (PROTOCOL.md, rooms.post): what a flooder would pick to make members pay most */
const LONGEST_TEXT = 'x'.repeat(4000);
const LONGEST_REASON = 'r'.repeat(500);
/** bob's messages alice may report: one open report per message and reporter */
const SEEDED_MESSAGES = 10;
/** concurrent catch-ups from position 0: each replays the whole log alice may see, so fewer fit the file's budget */
const RECONNECTS = 100;
/** RATE_LIMIT_PER_MINUTE's default: the HTTP requests one client address gets per endpoint and minute */
const HTTP_LIMIT = 600;
/** what a deployment allows one member (libs/rooms/src/room-activity-limits.ts) */
const LIMITS_AS_SHIPPED = { ROOM_ACTIVITY_LIMIT_SCALE: '1' };
/** members who take turns posting the probes, so that none of them meets the limit of 15 posts in 15 s */
const PROBERS = 12;
const PROBE_SPACING_MS = 100;
const HTTP_PAGE = 200;
/** long enough for a post stuck behind a flood on a busy 2-core machine; past it the member was not served */
const PROBE_TIMEOUT_MS = 20_000;

// user ids unique per run: two nodes share a Redis, where user channels span every node
const run = randomUUID().slice(0, 6);

interface Probe {
  ackMs: number;
  /** until the last other member received it */
  deliveredMs: number;
  /** the share of the room's other members who received it */
  reach: number;
}

/** bob's posts, one after the other while a flood lasts: the slowest, and the worst reach */
interface ProbesDuringFlood {
  posts: number;
  worstAckMs: number;
  worstDeliveredMs: number;
  reach: number;
}

interface FloodReport {
  sent: number;
  /** 'ok' or the refusal's code (socket messages), 'ready' (connections), the status (HTTP) */
  outcomes: Record<string, number>;
  floodMs: number;
  appended: number;
  appendedPerSecond: number;
  appendedTypes: Record<string, number>;
  /** socket.io packets caused by alice (durable events she acted, signals naming her) that one plain member got */
  emitsToMember: number;
  bytesToMember: number;
  emitsToFacilitator: number;
  probes: ProbesDuringFlood;
  /** resident memory of the node alice floods */
  rssBeforeMb: number;
  rssPeakMb: number;
  rssAfterMb: number;
  extra?: Record<string, number>;
}

const measured: { baselineProbe?: Probe; floods: Record<string, FloodReport>; logSizeAtEnd?: number } = { floods: {} };
afterAll(() => console.log(`member flood audit, measured:\n${JSON.stringify(measured, null, 2)}`));

/** an ack as PROTOCOL.md "Acks and errors" shapes it */
function wellFormed(ack: unknown): boolean {
  const a = ack as Ack;
  if (a?.ok === true) return 'data' in a;
  return a?.ok === false && typeof a.error?.code === 'string' && typeof a.error.message === 'string' && typeof a.error.details === 'object';
}

const outcomeOf = (ack: Ack) => (ack.ok ? 'ok' : ack.error.code);
const tally = (outcomes: string[]) => outcomes.reduce<Record<string, number>>((counts, o) => ({ ...counts, [o]: (counts[o] ?? 0) + 1 }), {});
const timesOver = <T>(count: number, item: (i: number) => T): T[] => Array.from({ length: count }, (_, i) => item(i));

const pidOf = (app: AppProcess) => app.pid;
const rssMb = (pid: number) => Math.round(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024);

/** samples a process's resident memory until the returned function is called, which gives the peak */
function sampleRss(pid: number): () => number {
  let peak = rssMb(pid);
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, rssMb(pid));
    } catch {
      clearInterval(timer); // the app is gone (a failed test stopped it): its test reports why
    }
  }, 25);
  return () => {
    clearInterval(timer);
    return Math.max(peak, rssMb(pid));
  };
}

/** Counts the socket.io packets about `userId` a client receives: durable events it acted, signals naming it. */
function countPacketsAbout(client: TestClient, userId: string) {
  const counter = { packets: 0, bytes: 0 };
  client.socket.onAny((_name: string, payload: { actorId?: string; userId?: string }) => {
    if (payload?.actorId !== userId && payload?.userId !== userId) return;
    counter.packets++;
    counter.bytes += JSON.stringify(payload).length;
  });
  return counter;
}

/**
 * One room and its people: alice floods through `node`; probers post in turn (on the other node, with two); fran (its
 * facilitator), carol and dan listen; bob's messages are there to react to and report.
 */
class FloodRoom {
  private readonly toCarol;
  private readonly toFran;
  private probes = 0;

  private constructor(
    readonly node: AppProcess,
    readonly roomId: string,
    readonly people: { fran: TestClient; alice: TestClient; bob: TestClient; carol: TestClient; dan: TestClient },
    readonly bobsMessages: string[],
    readonly probers: TestClient[],
  ) {
    this.toCarol = countPacketsAbout(people.carol, people.alice.userId);
    this.toFran = countPacketsAbout(people.fran, people.alice.userId);
  }

  /** alice, fran and dan on `node`, bob and carol on `otherNode`; bob has posted SEEDED_MESSAGES messages */
  static async open(node: AppProcess, otherNode = node): Promise<FloodRoom> {
    const as = (app: AppProcess, name: string) => connect(app, `${name}-${run}`, name === 'fran' ? 'facilitator' : 'participant');
    const [fran, alice, dan] = await Promise.all(['fran', 'alice', 'dan'].map((name) => as(node, name)));
    const [bob, carol] = await Promise.all(['bob', 'carol'].map((name) => as(otherNode, name)));
    const probers = await Promise.all(timesOver(PROBERS, (i) => as(otherNode, `prober${i}`)));
    const roomId = await createRoom(fran, { capacity: 50 });
    await joinAll(roomId, alice, bob, carol, dan, ...probers);
    const bobsMessages: string[] = [];
    for (let i = 0; i < SEEDED_MESSAGES; i++) bobsMessages.push((await post(bob, roomId, `bob's message ${i}`)).messageId);
    return new FloodRoom(node, roomId, { fran, alice, bob, carol, dan }, bobsMessages, probers);
  }

  private nextProber(): TestClient {
    return this.probers[this.probes++ % this.probers.length];
  }

  /** the next prober posts; how long until its ack, and until fran, carol and dan each have it */
  async probe(): Promise<Probe> {
    const { fran, carol, dan } = this.people;
    const prober = this.nextProber();
    const text = `probe ${randomUUID()}`;
    const start = Date.now();
    const received = [fran, carol, dan].map((member) =>
      member
        .waitForEvent((e) => e.streamId === streamOf(this.roomId) && e.type === 'MessagePosted' && e.data.text === text, PROBE_TIMEOUT_MS)
        .then(() => Date.now() - start, () => null),
    );
    const ack = await prober.socket.timeout(PROBE_TIMEOUT_MS).emitWithAck('rooms.post', { commandId: randomUUID(), roomId: this.roomId, text });
    const ackMs = Date.now() - start;
    expect(ack).toMatchObject({ ok: true });
    const reached = (await Promise.all(received)).filter((ms): ms is number => ms !== null);
    return { ackMs, deliveredMs: Math.max(...reached), reach: reached.length / received.length };
  }

  /**
   * Fires a flood and probes until it is answered; then waits for a marker post to reach carol and fran (delivery is
   * in order: all before it has arrived) before counting. Records the report under `name`.
   */
  async measure(name: string, fire: () => Promise<string[]>, extra?: () => Record<string, number>): Promise<FloodReport> {
    const { alice, carol, fran } = this.people;
    const pid = pidOf(this.node);
    const headBefore = await headPosition(this.node.url);
    const rssBeforeMb = rssMb(pid);
    const peakRss = sampleRss(pid);
    const [carolPackets, carolBytes, franPackets] = [this.toCarol.packets, this.toCarol.bytes, this.toFran.packets];
    const start = Date.now();
    let answered = false;
    const flood = fire().then((outcomes) => ((answered = true), { outcomes, floodMs: Date.now() - start }));
    await new Promise((resolve) => setImmediate(resolve)); // the flood's first packets leave before the probe's
    const probes: Probe[] = [];
    do {
      probes.push(await this.probe());
      if (!answered) await settle(PROBE_SPACING_MS);
    } while (!answered);
    const { outcomes, floodMs } = await flood;
    const marker = await post(this.nextProber(), this.roomId, `after ${name}`);
    await Promise.all([carol, fran].map((m) => m.waitForEvent((e) => e.position === marker.position, PROBE_TIMEOUT_MS)));
    await settle(200); // signals (presence) are not ordered with events
    const rssPeakMb = peakRss();
    const floodEvents = (await readLog(this.node.data)).filter((e) => e.position > headBefore && e.actorId === alice.userId);
    const report: FloodReport = {
      sent: outcomes.length,
      outcomes: tally(outcomes),
      floodMs,
      appended: floodEvents.length,
      appendedPerSecond: Math.round((floodEvents.length / floodMs) * 1000),
      appendedTypes: tally(floodEvents.map((e) => e.type)),
      emitsToMember: this.toCarol.packets - carolPackets,
      bytesToMember: this.toCarol.bytes - carolBytes,
      emitsToFacilitator: this.toFran.packets - franPackets,
      probes: {
        posts: probes.length,
        worstAckMs: Math.max(...probes.map((p) => p.ackMs)),
        worstDeliveredMs: Math.max(...probes.map((p) => p.deliveredMs)),
        reach: Math.min(...probes.map((p) => p.reach)),
      },
      rssBeforeMb,
      rssPeakMb,
      rssAfterMb: rssMb(pid),
      ...(extra ? { extra: extra() } : {}),
    };
    measured.floods[name] = report;
    expect({ name, reach: report.probes.reach }).toEqual({ name, reach: 1 });
    expect((await fetch(`${this.node.url}/health`)).status).toBe(200);
    return report;
  }

  /**
   * alice (or another socket of hers) sends FLOOD_SIZE socket messages at once; every ack must be well formed.
   * Resolves with the outcomes.
   */
  async socketFlood(message: (i: number) => string, payload: (i: number) => Record<string, unknown>, alice = this.people.alice): Promise<string[]> {
    const acks: Ack[] = await Promise.all(timesOver(FLOOD_SIZE, (i) => alice.socket.timeout(PROBE_TIMEOUT_MS).emitWithAck(message(i), payload(i))));
    expect(acks.filter((ack) => !wellFormed(ack))).toEqual([]);
    return acks.map(outcomeOf);
  }

  /** a room command's payload with a fresh commandId */
  command(data: Record<string, unknown> = {}): Record<string, unknown> {
    return { commandId: randomUUID(), roomId: this.roomId, ...data };
  }
}

const always = (message: string) => () => message;

/** A flood a limit bounds: at most `limit` went through (and were stored), every other was refused ROOM.RATE_LIMITED. */
function expectLimited(report: FloodReport, limit: number): void {
  const { ok = 0, ...others } = report.outcomes;
  expect({ ok: ok <= limit, appended: report.appended <= limit, others: Object.keys(others) }).toEqual({
    ok: true,
    appended: true,
    others: ok < report.sent ? ['ROOM.RATE_LIMITED'] : [],
  });
}

describe('member flood audit: one member floods one room (SQLite)', () => {
  let app: AppProcess;
  let room: FloodRoom;

  beforeAll(async () => {
    app = await AppProcess.start(freshData('sqlite'), LIMITS_AS_SHIPPED);
    room = await FloodRoom.open(app);
  });
  afterAll(async () => {
    closeAllClients();
    await app?.stop();
  });

  it('measures a post at rest', async () => {
    const probes: Probe[] = [];
    for (let i = 0; i < 3; i++) probes.push(await room.probe());
    measured.baselineProbe = probes.sort((a, b) => a.ackMs - b.ackMs)[1];
    expect(measured.baselineProbe.reach).toBe(1);
  });

  it(`rooms.post: ${FLOOD_SIZE} of the longest messages, in a room without slow mode`, async () => {
    const report = await room.measure('rooms.post', () => room.socketFlood(always('rooms.post'), () => room.command({ text: LONGEST_TEXT })));
    expectLimited(report, 15);
  });

  it(`rooms.react, then rooms.unreact: ${FLOOD_SIZE} different "emoji" (any 1..16 characters) on one message`, async () => {
    const messageId = room.bobsMessages[0];
    const reaction = (i: number) => room.command({ messageId, emoji: `r${i}` });
    expectLimited(await room.measure('rooms.react', () => room.socketFlood(always('rooms.react'), reaction)), 30);
    expectLimited(await room.measure('rooms.unreact', () => room.socketFlood(always('rooms.unreact'), reaction)), 30);
  });

  it(`rooms.report: ${FLOOD_SIZE} reports over bob's ${SEEDED_MESSAGES} messages, with the longest reason`, async () => {
    const report = (i: number) => room.command({ messageId: room.bobsMessages[i % SEEDED_MESSAGES], reason: LONGEST_REASON });
    await room.measure('rooms.report', () => room.socketFlood(always('rooms.report'), report));
  });

  it(`rooms.markRead: ${FLOOD_SIZE} marks, each one position further`, async () => {
    const head = await headPosition(app.url);
    const mark = (i: number) => room.command({ position: Math.max(1, head - FLOOD_SIZE + 1 + i) });
    expectLimited(await room.measure('rooms.markRead', () => room.socketFlood(always('rooms.markRead'), mark)), 20);
  });

  it(`rooms.setReadReceiptPrivacy: ${FLOOD_SIZE} switches, private and public in turn`, async () => {
    const privacy = (i: number) => room.command({ private: i % 2 === 0 });
    expectLimited(await room.measure('rooms.setReadReceiptPrivacy', () => room.socketFlood(always('rooms.setReadReceiptPrivacy'), privacy)), 5);
  });

  it(`rooms.presence: ${FLOOD_SIZE} questions`, async () => {
    await room.measure('rooms.presence', () => room.socketFlood(always('rooms.presence'), () => ({ roomId: room.roomId })));
  });

  it('sync { after: 0 }, the limited way to a full catch-up: 11 at once', async () => {
    const syncing = await connect(app, room.people.alice.userId, 'participant');
    await room.measure('sync from 0', async () => {
      const acks: Ack[] = await Promise.all(timesOver(11, () => syncing.socket.timeout(PROBE_TIMEOUT_MS).emitWithAck('sync', { after: 0 })));
      expect(acks.filter((ack) => !wellFormed(ack))).toEqual([]);
      return acks.map(outcomeOf);
    });
    syncing.close();
  });

  it(`reconnects with lastPosition 0: ${RECONNECTS} at once, each a full catch-up, limited per user; a plain connection never`, async () => {
    let eventsReplayed = 0;
    const logSize = await headPosition(app.url);
    const report = await room.measure(
      'reconnect from lastPosition 0',
      async () => {
        const reconnects = await Promise.allSettled(
          timesOver(RECONNECTS, async () => {
            const client = await connect(app, room.people.alice.userId, 'participant', { lastPosition: 0 });
            eventsReplayed += client.events.length;
            client.close();
          }),
        );
        return reconnects.map((r) => (r.status === 'fulfilled' ? 'ready' : String(r.reason)));
      },
      () => ({ eventsReplayed, eventsPerCatchUp: Math.round(eventsReplayed / RECONNECTS), logSize }),
    );
    // PROTOCOL.md: at most 20 connections with lastPosition per user and node a minute (each replays the log in the
    // node's delivery queue); the rest are refused at the handshake
    const refused = Object.entries(report.outcomes).filter(([outcome]) => outcome !== 'ready');
    expect({ ready: report.outcomes.ready, refused: refused.map(([outcome]) => /REALTIME\.RATE_LIMITED|rate|lastPosition/.test(outcome)) })
      .toEqual({ ready: 20, refused: refused.map(() => true) });
    const withoutCatchUp = await connect(app, room.people.alice.userId, 'participant');
    expect(withoutCatchUp.socket.connected).toBe(true);
    withoutCatchUp.close();
  });

  it(`HTTP reads: ${HTTP_LIMIT} + 10 history pages of ${HTTP_PAGE} at once (60 a minute per user; ${HTTP_LIMIT} per address and endpoint)`, async () => {
    let bytesRead = 0;
    const page = async () => {
      const response = await fetch(`${app.url}/rooms/${room.roomId}/messages?limit=${HTTP_PAGE}`, { headers: { authorization: `Bearer ${room.people.alice.token}` } });
      bytesRead += (await response.arrayBuffer()).byteLength;
      return String(response.status);
    };
    const report = await room.measure('HTTP history pages', () => Promise.all(timesOver(HTTP_LIMIT + 10, page)), () => ({ megabytesRead: Math.round(bytesRead / 1e6) }));
    expect({ ok: report.outcomes['200'] <= 60, others: Object.keys(report.outcomes).filter((status) => status !== '200') }).toEqual({ ok: true, others: ['429'] });
    measured.logSizeAtEnd = await headPosition(app.url);
  });

  it(`many sockets: ${FLOOD_SIZE} more for alice, opened at once (her oldest are closed past 10), a post, then closed`, async () => {
    let rssWithSocketsMb = 0;
    let postWithSockets: Probe | undefined;
    let stillOpen = 0;
    await room.measure(
      'many sockets of one user',
      async () => {
        const opened = await Promise.allSettled(timesOver(FLOOD_SIZE, () => connect(app, room.people.alice.userId, 'participant')));
        await settle(200);
        rssWithSocketsMb = rssMb(pidOf(app));
        postWithSockets = await room.probe(); // each room event now goes to at most 10 of alice's sockets
        stillOpen = opened.filter((socket) => socket.status === 'fulfilled' && socket.value.socket.connected).length;
        for (const socket of opened) if (socket.status === 'fulfilled') socket.value.close();
        return opened.map((socket) => (socket.status === 'fulfilled' ? 'ready' : String(socket.reason)));
      },
      () => ({ rssWithSocketsMb, stillOpen, postWithSocketsAckMs: postWithSockets!.ackMs, postWithSocketsDeliveredMs: postWithSockets!.deliveredMs }),
    );
    expect(postWithSockets!.reach).toBe(1);
    // PROTOCOL.md: 10 sockets per user and node; each new one past that closes her oldest
    expect(stillOpen).toBeLessThanOrEqual(10);
  });

  it(`rooms.leave and rooms.join in turn: ${FLOOD_SIZE} in an open room`, async () => {
    const leaveOrJoin = (i: number) => (i % 2 === 0 ? 'rooms.leave' : 'rooms.join');
    // a socket of her own: the floods of sockets above closed her first ones (10 per user and node)
    const alice = await connect(app, room.people.alice.userId, 'participant');
    // alice's first join counted: 9 more a minute; the last flood of this file, as she may end outside the room
    expectLimited(await room.measure('rooms.join/leave', () => room.socketFlood(leaveOrJoin, () => room.command(), alice)), 9);
  });
});

describeWithPostgres('member flood audit: rooms.presence across two nodes (PostgreSQL and Redis)', () => {
  const nodes = twoNodesPerFile();

  it(`rooms.presence: ${FLOOD_SIZE} questions through node A, each asking node B over Redis`, async () => {
    const room = await FloodRoom.open(nodes.A, nodes.B);
    await room.measure('rooms.presence, two nodes', () => room.socketFlood(always('rooms.presence'), () => ({ roomId: room.roomId })));
  });
});
