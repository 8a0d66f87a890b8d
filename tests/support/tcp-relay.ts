import { connect as connectTcp, createServer, type Server, type Socket } from 'node:net';
import { freePort } from './app-process';
import { TEST_DATABASE_URL } from './postgres';

/** A TCP relay to a service (PostgreSQL, Redis) that a test cuts and restores, as a network partition or a restart would. */
export async function openRelay(target: { host: string; port: number }): Promise<{ port: number; cut(): Promise<void>; restore(): Promise<void> }> {
  const port = await freePort();
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => (sockets.add(socket), socket.on('error', () => undefined), socket.on('close', () => sockets.delete(socket)));
  let server: Server;
  const listen = () =>
    new Promise<void>((resolve) => {
      server = createServer((client) => {
        const upstream = connectTcp(target.port, target.host);
        track(client);
        track(upstream);
        client.pipe(upstream).pipe(client);
        client.on('close', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
      });
      server.listen(port, '127.0.0.1', resolve);
    });
  await listen();
  return {
    port,
    cut: async () => {
      const closed = new Promise((resolve) => server.close(resolve));
      sockets.forEach((socket) => socket.destroy());
      await closed;
    },
    restore: listen,
  };
}

/** A relay to the tests' PostgreSQL, and the DATABASE_URL that goes through it (an app given it loses the database on `cut`). */
export async function openPostgresRelay() {
  const database = new URL(TEST_DATABASE_URL);
  const relay = await openRelay({ host: database.hostname, port: Number(database.port || 5432) });
  database.hostname = '127.0.0.1';
  database.port = String(relay.port);
  return { ...relay, databaseUrl: database.toString() };
}
