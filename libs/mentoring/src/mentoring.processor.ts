import { Inject, Injectable, Logger } from '@nestjs/common';
import { CLOCK, DeadlineProcessor, type Clock } from '@haven/command-handling';
import { STORAGE, type Storage } from '@haven/event-store';
import { LogFollower } from '@haven/realtime';
import { MentoringCommandsService } from './mentoring-commands.service';
import { duePairRooms, endedAways, expiredMentorRequests, unansweredMentorRequests, type PairingRow } from './read-models/mentoring.projection';

type DueStep =
  | { action: 'open' | 'close'; pairing: PairingRow }
  | { action: 'expire' | 'unanswered'; request: { requestId: string; participantId: string } }
  | { action: 'back'; away: { mentorId: string; until: string } };

/**
 * What mentoring leaves to the system: opens and closes pair rooms that the command path did not (a node that stopped
 * between the pairing's event and its room's command), tells the care team of a request nobody took for a while,
 * expires requests nobody took while they were open, and brings mentors back at the time they said they would be. Every
 * step's command id is derived from what it follows, so nodes doing it at once append it once.
 */
@Injectable()
export class MentoringProcessor extends DeadlineProcessor<DueStep> {
  private readonly logger = new Logger(MentoringProcessor.name);

  constructor(
    @Inject(STORAGE) private readonly storage: Storage,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly mentoring: MentoringCommandsService,
    follower: LogFollower,
  ) {
    super(follower);
  }

  protected async due(): Promise<DueStep[]> {
    const before = (seconds: number) => new Date(this.clock.now().getTime() - seconds * 1000).toISOString();
    const expired = await expiredMentorRequests(this.storage.sql, before(this.mentoring.requestOpenForSeconds));
    const unanswered = await unansweredMentorRequests(this.storage.sql, before(this.mentoring.requestUnansweredAfterSeconds));
    const back = await endedAways(this.storage.sql, this.clock.now().toISOString());
    return [
      ...(await duePairRooms(this.storage.sql)),
      ...back.map((away) => ({ action: 'back' as const, away })),
      ...unanswered.map((request) => ({ action: 'unanswered' as const, request })),
      ...expired.map((request) => ({ action: 'expire' as const, request })),
    ];
  }

  protected fire(step: DueStep): Promise<void> {
    if ('away' in step) return this.mentoring.endAway(step.away);
    if ('request' in step) return step.action === 'expire' ? this.mentoring.expireRequest(step.request) : this.mentoring.noticeUnanswered(step.request);
    return step.action === 'open' ? this.mentoring.openPairRoom(step.pairing) : this.mentoring.closePairRoom(step.pairing);
  }

  protected failed(name: string): void {
    this.logger.error(`mentoring step failed: ${name}`);
  }
}
