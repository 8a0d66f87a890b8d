import { createServer, type Server as HttpServer } from 'node:http';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { STORAGE, type Storage } from '@haven/event-store';
import { LogFollower, RealtimeGateway } from '@haven/realtime';
import { offlineNoticesNotTaken, RoomActivityLimits } from '@haven/rooms';
import { CLOCK, type Clock } from '@haven/command-handling';
import { waitingFamilyGuestCount } from '@haven/family-sessions';
import { awayMentorCount, openMentorRequestStats } from '@haven/mentoring';
import { openAlertCounts, pagesNotThrough } from '@haven/safety';
import type { Environment } from '../config/environment';
import { listenHost } from '../listen-host';
import { HavenIoAdapter } from '../realtime/haven-io.adapter';

/**
 * Prometheus metrics of this node at `/metrics` on METRICS_PORT, a port of its own so that it can stay inside the
 * clinic's network while the API faces the apps. Counts and positions only: no label carries a user, a room or text.
 */
@Injectable()
export class MetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MetricsServer.name);
  private readonly registry = new Registry();
  private http?: HttpServer;

  constructor(
    private readonly config: ConfigService<Environment, true>,
    @Inject(STORAGE) private readonly storage: Storage,
    private readonly follower: LogFollower,
    private readonly gateway: RealtimeGateway,
    private readonly limits: RoomActivityLimits,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const port = this.config.get('METRICS_PORT', { infer: true });
    if (!port) return;
    this.register();
    this.http = createServer((request, response) => {
      if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
        response.writeHead(404).end();
        return;
      }
      this.registry.metrics().then(
        (text) => response.writeHead(200, { 'content-type': this.registry.contentType }).end(text),
        () => response.writeHead(500).end(),
      );
    });
    const { host } = listenHost((key) => this.config.get<string>(key as keyof Environment));
    await new Promise<void>((resolve, reject) => this.http!.once('error', reject).listen(port, host, resolve));
    this.logger.log(`metrics on port ${port} at /metrics`);
  }

  async onApplicationShutdown(): Promise<void> {
    await new Promise((resolve) => (this.http ? this.http.close(resolve) : resolve(undefined)));
  }

  private register(): void {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'haven_' });
    const { follower, storage, gateway, clock } = this;
    new Gauge({
      name: 'haven_event_store_head_position',
      help: 'position of the newest event in the log (absent while the store does not answer)',
      registers,
      async collect() {
        const head = await storage.events.headPosition().catch(() => null);
        if (head !== null) this.set(head);
      },
    });
    new Gauge({ name: 'haven_log_follower_position', help: 'position of the last event this node projected and delivered', registers, collect() { this.set(follower.position); } });
    new Gauge({ name: 'haven_log_follower_up', help: '1 while this node follows the log, 0 while it waits to try again', registers, collect() { this.set(follower.healthy ? 1 : 0); } });
    if (this.config.get('REDIS_URL', { infer: true })) {
      // while Redis is away, events still reach every client from each node's log follower; typing, presence and
      // shared limits do not cross nodes: worth an alert, not a failed health check
      new Gauge({
        name: 'haven_redis_up',
        help: "1 while this node's Redis clients (socket.io adapter, shared limits) are connected, 0 while Redis is away",
        registers,
        collect() {
          this.set(HavenIoAdapter.of(gateway.server)?.redisReady ? 1 : 0);
        },
      });
    }
    new Gauge({ name: 'haven_sockets_connected', help: 'socket.io connections on this node', registers, collect() { this.set(gateway.server?.of('/').sockets.size ?? 0); } });
    countedAsItGoes('haven_events_processed_total', 'events this node projected and delivered since it started, by event type', 'type', follower.processedByType);
    countedAsItGoes('haven_rate_limited_total', 'commands refused (and typing signals dropped) by the per-member limits on this node, by activity', 'activity', this.limits.refusedByActivity);
    new Gauge({
      name: 'haven_safety_alerts_open',
      help: 'safety alerts not resolved yet, by status and whether they escalated (every node sees the same queue)',
      labelNames: ['status', 'escalated'],
      registers,
      async collect() {
        this.reset();
        const counts = await openAlertCounts(storage.sql).catch(() => []);
        for (const { status, escalated, count } of counts) this.set({ status, escalated: escalated ? 'yes' : 'no' }, count);
      },
    });

    new Gauge({
      name: 'haven_safety_pages_not_through',
      help: 'pages to the on-call service (SAFETY_PAGER_URL) tried and not taken yet while their alert waits for someone: alert on > 0',
      registers,
      async collect() {
        const count = await pagesNotThrough(storage.sql).catch(() => null);
        if (count !== null) this.set(count);
      },
    });

    new Gauge({
      name: 'haven_offline_notices_not_taken',
      help: 'offline notices (OFFLINE_NOTICE_URL) attempted in the last hour that the push gateway has not taken: alert on > 0',
      registers,
      async collect() {
        const count = await offlineNoticesNotTaken(storage.sql, new Date(clock.now().getTime() - 3_600_000).toISOString()).catch(() => null);
        if (count !== null) this.set(count);
      },
    });

    // what waits for a person: a request no mentor has taken (and for how long), a family member not let in yet; the two
    // mentor gauges are collected together in a scrape, so they share one query while it is in flight
    let mentorStats: ReturnType<typeof openMentorRequestStats> | null = null;
    const mentorRequests = () =>
      (mentorStats ??= openMentorRequestStats(storage.sql).finally(() => (mentorStats = null))).catch(() => null);
    new Gauge({
      name: 'haven_mentor_requests_open',
      help: 'mentor requests no mentor has taken yet (every node sees the same)',
      registers,
      async collect() {
        const stats = await mentorRequests();
        if (stats) this.set(stats.open);
      },
    });
    new Gauge({
      name: 'haven_mentor_request_oldest_wait_seconds',
      help: 'how long the oldest open mentor request has waited (0 when none is open)',
      registers,
      async collect() {
        const stats = await mentorRequests();
        if (stats) this.set(stats.oldestRequestedAt ? Math.max(0, (Date.now() - Date.parse(stats.oldestRequestedAt)) / 1000) : 0);
      },
    });
    new Gauge({
      name: 'haven_mentors_away',
      help: 'mentors who stepped back and are offered no request now (beside the open requests: who is there to take them)',
      registers,
      async collect() {
        const away = await awayMentorCount(storage.sql).catch(() => null);
        if (away !== null) this.set(away);
      },
    });
    new Gauge({
      name: 'haven_family_guests_waiting',
      help: 'family members who redeemed an invite and wait to be admitted, in sessions not ended',
      registers,
      async collect() {
        const waiting = await waitingFamilyGuestCount(storage.sql).catch(() => null);
        if (waiting !== null) this.set(waiting);
      },
    });

    /** a counter kept by the code it counts, as a map: each scrape adds what was counted since the last one */
    function countedAsItGoes(name: string, help: string, label: string, counts: ReadonlyMap<string, number>): void {
      const seen = new Map<string, number>();
      new Counter({
        name,
        help,
        labelNames: [label],
        registers,
        collect() {
          for (const [key, count] of counts) {
            const added = count - (seen.get(key) ?? 0);
            if (added > 0) this.inc({ [label]: key }, added);
            seen.set(key, count);
          }
        },
      });
    }
  }
}
