import { Client, type ClientConfig } from 'pg';

/** The channel appends notify (haven_append, migration 0002); the payload is the schema, since channels are shared by the whole database. */
export const EVENTS_CHANNEL = 'haven_events';

/**
 * Holds one dedicated connection doing `LISTEN haven_events` and calls `onNotify` for this schema's appends.
 * Best effort: when the connection is down, subscribers still see new events through their poll, and the next
 * ensure() reconnects.
 */
export class PostgresNotificationListener {
  private client: Client | undefined;
  private connecting: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly config: ClientConfig,
    private readonly schema: string,
    /** with the backend process id that sent the notification (0 when this listener itself asks for a look) */
    private readonly onNotify: (fromBackend: number) => void,
  ) {}

  /** Starts listening unless already listening or connecting; never throws. */
  ensure(): void {
    if (this.closed || this.client || this.connecting) return;
    this.connecting = this.connect()
      .catch(() => undefined)
      .finally(() => (this.connecting = undefined));
  }

  private async connect(): Promise<void> {
    const client = new Client(this.config);
    client.on('error', () => this.drop(client));
    client.on('end', () => this.drop(client));
    client.on('notification', (message) => {
      if (message.channel === EVENTS_CHANNEL && message.payload === this.schema) this.onNotify(message.processId);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${EVENTS_CHANNEL}`);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    // appends committed while we were not yet listening were not announced
    this.onNotify(0);
  }

  private drop(client: Client): void {
    if (this.client !== client) return;
    this.client = undefined;
    client.end().catch(() => undefined);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.connecting;
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }
}
