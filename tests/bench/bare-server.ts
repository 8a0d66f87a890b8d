/**
 * The baseline: a bare socket.io server (the same socket.io package the app uses), in its own process, doing only
 * what is left of the product's work when the product is taken away: it relays each post to the room with
 * `io.to(room).emit` as the same wire event the app sends, and acks. No auth, no validation, no store, no projection.
 * For the catch-up baseline it replays events the bench loaded into its memory.
 * With BARE_DURABLE_PG_URL and BARE_DURABLE_PG_SCHEMA it also inserts each post into a PostgreSQL table, one durable
 * commit each (server defaults, as the app's appends), before it relays and acks: the same relay plus the one write
 * every post of the app waits for on PostgreSQL (a diagnostic baseline for figure 1).
 * Prints `{"port":N}` on stdout once listening on 127.0.0.1.
 */
import { createServer } from 'node:http';
import { Client } from 'pg';
import { Server } from 'socket.io';

interface WireEvent {
  position: number;
  type: string;
  streamId: string;
  data: Record<string, unknown>;
  actorId: string;
  occurredAt: string;
}

type Ack = (reply: unknown) => void;

const httpServer = createServer();
const io = new Server(httpServer, { cors: { origin: false } });
let position = 0;
const stored: WireEvent[] = [];

/** The app's catch-up sends 1,000 events per batch and awaits its next read in between; so does the baseline. */
const CATCH_UP_BATCH = 1000;

/** one connection: its queries run in the order sent, so a room's posts are relayed in order, as the app does per stream */
const durable = process.env.BARE_DURABLE_PG_URL
  ? new Client({ connectionString: process.env.BARE_DURABLE_PG_URL, options: `-c search_path=${process.env.BARE_DURABLE_PG_SCHEMA}` })
  : undefined;
const INSERT_RELAYED = 'insert into relayed (room_id, message_id, event) values ($1, $2, $3)';
/**
 * The inserts one after the other, as pg's client queues them by itself: queued here, because pg 8.23 warns that its
 * own queue is deprecated (a query sent while another runs) and pg 9 will refuse it
 */
let lastInsert: Promise<unknown> = Promise.resolve();
const insertRelayed = (params: string[]) => {
  const insert = lastInsert.then(() => durable!.query(INSERT_RELAYED, params));
  lastInsert = insert.catch(() => undefined);
  return insert;
};

io.on('connection', async (socket) => {
  const auth = socket.handshake.auth as { userId?: string; lastPosition?: number };
  const userId = String(auth.userId ?? socket.id);
  socket.join(`user:${userId}`);

  socket.on('rooms.join', (payload: { roomId: string }, ack: Ack) => {
    socket.join(`room:${payload.roomId}`);
    ack({ ok: true, data: {} });
  });

  socket.on('rooms.post', async (payload: { roomId: string; messageId: string; text: string; commandId: string }, ack: Ack) => {
    position += 1;
    const now = new Date().toISOString();
    const event: WireEvent = {
      position,
      type: 'MessagePosted',
      streamId: `room-${payload.roomId}`,
      data: { messageId: payload.messageId, authorId: userId, text: payload.text, contentWarning: null, replyTo: null, postedAt: now },
      actorId: userId,
      occurredAt: now,
    };
    if (durable) {
      try {
        await insertRelayed([payload.roomId, payload.messageId, JSON.stringify(event)]);
      } catch (error) {
        ack({ ok: false, error: { code: 'BARE.INSERT_FAILED', message: String(error), details: {} } });
        return;
      }
    }
    io.to(`room:${payload.roomId}`).emit('event', event);
    ack({ ok: true, data: { position, replayed: false, events: [{ id: payload.commandId, type: event.type, position }], messageId: payload.messageId } });
  });

  /** bench only: events a later client connecting with lastPosition is sent before `ready` (`reset` forgets earlier ones) */
  socket.on('bench.load', ({ events, reset }: { events: WireEvent[]; reset: boolean }, ack: Ack) => {
    if (reset) stored.length = 0;
    for (const event of events) {
      stored.push(event);
      position = Math.max(position, event.position);
    }
    ack({ ok: true, data: { stored: stored.length } });
  });

  // handlers first, then catch-up and `ready`, as the app's gateway does
  let caughtUp = 0;
  if (typeof auth.lastPosition === 'number') {
    const after = auth.lastPosition;
    const missed = stored.filter((event) => event.position > after);
    for (let i = 0; i < missed.length; i += CATCH_UP_BATCH) {
      for (const event of missed.slice(i, i + CATCH_UP_BATCH)) socket.emit('event', event);
      caughtUp += Math.min(CATCH_UP_BATCH, missed.length - i);
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  socket.emit('ready', { position, caughtUp });
});

async function listen(): Promise<void> {
  if (durable) {
    await durable.connect();
    await durable.query(`create schema if not exists "${process.env.BARE_DURABLE_PG_SCHEMA}"`);
    await durable.query('create table relayed (position bigserial primary key, room_id text not null, message_id text not null, event jsonb not null)');
  }
  httpServer.listen(0, '127.0.0.1', () => {
    const address = httpServer.address() as { port: number };
    process.stdout.write(`${JSON.stringify({ port: address.port })}\n`);
  });
}

listen().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

process.on('SIGTERM', () => {
  io.close();
  void durable?.end().catch(() => undefined);
  httpServer.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
});
