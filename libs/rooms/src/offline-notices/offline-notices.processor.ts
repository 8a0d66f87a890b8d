import { Inject, Injectable, Logger } from '@nestjs/common';
import { CLOCK, DeadlineProcessor, handleCommand, type Clock } from '@haven/command-handling';
import { SYSTEM_ACTOR } from '@haven/domain';
import { STORAGE, type Storage } from '@haven/event-store';
import { LogFollower } from '@haven/realtime';
import { PERSONAL_DATA, type PersonalData } from '@haven/personal-data/personal-data';
import { RealtimeGateway } from '@haven/realtime/realtime.gateway';
import { offlineNoticeDecider, type OfflineNoticeCommand } from './offline-notice.decider';
import type { NoticeDue, NoticeSource } from './notice-source';
import { noticeStreamName, subjectIdOf } from './offline-notice.events';
import { sendNotice, type ClaimedNotice } from './offline-notice';
import type { OfflineNoticesConfig } from './offline-notices.config';
import { offlineNoticesProjection } from './offline-notices.projection';
import { noticePreferencesOfEach, noticePreferencesProjection } from '../notice-preferences/notice-preferences.projection';
import { inQuietHours } from '../notice-preferences/quiet-hours';

export const OFFLINE_NOTICES_CONFIG = Symbol('OFFLINE_NOTICES_CONFIG');
/** the sources of notices: the rooms', and those the app adds (OfflineNoticesModule.forRoot) */
export const NOTICE_SOURCES = Symbol('NOTICE_SOURCES');

/** messages older than the wait plus this are not told: after downtime or a rebuild, no flood of old news */
const FRESH_FOR_MS = 10 * 60_000;
/** a member told of a room who has not read it since is told of newer messages again after this long */
const REPEAT_AFTER_MS = 60 * 60_000;
/** after a notice, a person is told of other rooms no sooner than this: one buzz, not one per busy group */
const QUIET_FOR_MS = 5 * 60_000;

/** how many people's notices are sent at once */
const PERSONS_AT_ONCE = 8;

/** The notices due for one person in one poll: they go in one POST. */
interface PersonNotices {
  userId: string;
  notices: NoticeDue[];
}

/**
 * Tells a person who is not connected, through the clinic's push gateway (OFFLINE_NOTICE_URL), that something waits
 * for them (rooms: messages; a report, for moderators; the pair room a mentor opened, for a participant; mentoring: a
 * request a mentor may take; family sessions: family waiting for the host), once it has waited for
 * OFFLINE_NOTICE_AFTER_SECONDS (the sources' `due`): one notice per room until they read it (or an hour passes), one
 * per request, one per lobby arrival, everything due for one person in one POST, anything else no sooner than five
 * minutes after, each tried up to three times. Each attempt is claimed in the log first (command id
 * `notice:<subject id>:<userId>:<through>:<attempt>`), so of several nodes only the one whose claim was appended sends
 * it. A person connected when the notice falls due was sent it live: that notice is dropped, not sent later.
 */
@Injectable()
export class OfflineNoticesProcessor extends DeadlineProcessor<PersonNotices[]> {
  private readonly logger = new Logger(OfflineNoticesProcessor.name);
  /** notices dropped because their member was connected, by room and member: this node does not ask again */
  private readonly seenLive = new Map<string, { through: number; at: number }>();

  constructor(
    @Inject(STORAGE) private readonly storage: Storage,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(OFFLINE_NOTICES_CONFIG) private readonly config: OfflineNoticesConfig,
    @Inject(NOTICE_SOURCES) private readonly sources: NoticeSource[],
    @Inject(PERSONAL_DATA) private readonly personalData: PersonalData,
    private readonly realtime: RealtimeGateway,
    follower: LogFollower,
  ) {
    super(follower);
  }

  /** the tables the sources query, made first if need be: Nest does not order the modules' start hooks */
  async onApplicationBootstrap(): Promise<void> {
    await offlineNoticesProjection.migrate(this.storage.sql);
    await noticePreferencesProjection.migrate(this.storage.sql);
    for (const source of this.sources) await source.migrate(this.storage.sql);
    super.onApplicationBootstrap();
  }

  protected async due(): Promise<PersonNotices[][]> {
    const now = this.clock.now().getTime();
    const dueBefore = now - this.config.afterSeconds * 1000;
    for (const [key, seen] of this.seenLive) if (seen.at < dueBefore - FRESH_FOR_MS) this.seenLive.delete(key);
    const iso = (ms: number) => new Date(ms).toISOString();
    const window = {
      dueBefore: iso(dueBefore),
      freshSince: iso(dueBefore - FRESH_FOR_MS),
      repeatBefore: iso(now - REPEAT_AFTER_MS),
      quietSince: iso(now - QUIET_FOR_MS),
      now: iso(now),
    };
    const due: NoticeDue[] = [];
    // one source failing (its tables not made yet, a query refused) holds up its own notices, not the others'
    for (const source of this.sources) {
      try {
        due.push(...(await source.due(this.storage.sql, window)));
      } catch (error) {
        this.logger.error({ msg: 'a source of offline notices failed', source: source.name, error: error instanceof Error ? error.name : 'error' });
      }
    }
    const byPerson = new Map<string, NoticeDue[]>();
    for (const notice of due) {
      if ((this.seenLive.get(keyOf(notice))?.through ?? 0) >= notice.through) continue;
      byPerson.set(notice.userId, [...(byPerson.get(notice.userId) ?? []), notice]);
    }
    const persons = await this.notSilenced([...byPerson].map(([userId, notices]) => ({ userId, notices })), new Date(now));
    return Array.from({ length: Math.ceil(persons.length / PERSONS_AT_ONCE) }, (_, i) => persons.slice(i * PERSONS_AT_ONCE, (i + 1) * PERSONS_AT_ONCE));
  }

  /**
   * Leaves out those who paused their notices or are in their quiet hours now (notices.setPreferences): nothing is
   * claimed for them, so what fell due then is told once the quiet ends if it is still fresh (within FRESH_FOR_MS),
   * and otherwise waits in the app, as after downtime.
   */
  private async notSilenced(persons: PersonNotices[], at: Date): Promise<PersonNotices[]> {
    // opened here: the quiet hours are sealed with their person's key (emptied by an erasure: none)
    const chosen = await this.personalData.reveal(await noticePreferencesOfEach(this.storage.sql, persons.map((person) => person.userId)));
    const silenced = new Set(chosen.filter((preferences) => preferences.paused || inQuietHours(preferences.quietHours, at)).map((preferences) => preferences.userId));
    return persons.filter(({ userId }) => !silenced.has(userId));
  }

  /** A few people at once: a gateway that hangs until the timeout holds up a poll by seconds, not by minutes. */
  protected async fire(persons: PersonNotices[]): Promise<void> {
    const failed = (await Promise.allSettled(persons.map((person) => this.notify(person)))).find((result) => result.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
  }

  /** One POST per person and poll, naming everything due for them whose attempt this node claimed. */
  private async notify({ userId, notices }: PersonNotices): Promise<void> {
    // unknown (a node did not answer): told anyway; a needless notice says less than a missed one costs
    if ((await this.realtime.isConnected(userId)) === true) {
      for (const notice of notices) this.seenLive.set(keyOf(notice), { through: notice.through, at: this.clock.now().getTime() });
      return;
    }
    const claimed: ClaimedNotice[] = [];
    for (const notice of notices) {
      const { subject, through } = notice;
      const attempt = notice.attempts + 1;
      const claim = await this.decide({ type: 'AttemptNotice', data: { userId, ...subject, through, attempt } }, `notice:${subjectIdOf(subject)}:${userId}:${through}:${attempt}`);
      if (!claim.replayed && claim.events.length > 0) claimed.push({ notice, attempt });
    }
    if (claimed.length === 0) return;
    const outcome = await sendNotice(this.config, userId, claimed, this.clock.now());
    // ids and a status only
    if (!outcome.sent) this.logger.warn({ msg: 'offline notice failed', subjects: claimed.length, reason: outcome.reason });
    for (const { notice: { subject, through }, attempt } of claimed) {
      await this.decide(
        { type: 'RecordNoticeOutcome', data: { userId, ...subject, through, attempt, outcome } },
        `notice-outcome:${subjectIdOf(subject)}:${userId}:${through}:${attempt}`,
      );
    }
  }

  protected failed(name: string): void {
    this.logger.error(`offline notices failed: ${name}`);
  }

  private decide(command: Omit<OfflineNoticeCommand, 'context'>, commandId: string) {
    const context = { actor: SYSTEM_ACTOR, commandId, now: this.clock.now().toISOString() };
    return handleCommand(this.storage.events, offlineNoticeDecider, noticeStreamName(command.data, command.data.userId), {
      ...command,
      context,
    } as OfflineNoticeCommand);
  }
}

const keyOf = (notice: NoticeDue) => `${subjectIdOf(notice.subject)}/${notice.userId}`;
