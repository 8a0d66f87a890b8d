import { Inject, Injectable, Logger } from '@nestjs/common';
import { CLOCK, DeadlineProcessor, type Clock } from '@haven/command-handling';
import { STORAGE, type Storage } from '@haven/event-store';
import { LogFollower } from '@haven/realtime';
import { FamilySessionsService } from './family-sessions.service';
import { dueFamilyRoomSteps, type DueRoomStep } from './read-models/family-sessions.projection';

/**
 * Does what a session's room has not followed (a node stopped between a session's event and its room's command), ends
 * sessions an hour past their end that nobody ended, tells of invites still unused an hour before their session, and
 * marks invites nobody redeemed in time as expired. Every step
 * has a derived command id: nodes append it once.
 */
@Injectable()
export class FamilySessionProcessor extends DeadlineProcessor<DueRoomStep> {
  private readonly logger = new Logger(FamilySessionProcessor.name);

  constructor(
    @Inject(STORAGE) private readonly storage: Storage,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly sessions: FamilySessionsService,
    follower: LogFollower,
  ) {
    super(follower);
  }

  protected due(): Promise<DueRoomStep[]> {
    return dueFamilyRoomSteps(this.storage.sql, this.clock.now().toISOString());
  }

  protected fire(step: DueRoomStep): Promise<void> {
    switch (step.action) {
      case 'open':
        return this.sessions.openRoom(step.session);
      case 'close':
        return this.sessions.closeRoom(step.session);
      case 'end':
        return this.sessions.endOverdue(step.session);
      case 'admit':
        return this.sessions.admitToRoom(step.session, step.guestId);
      case 'remove':
        return this.sessions.removeFromRoom(step.session, step.guestId);
      case 'expire-invite':
        return this.sessions.expireInvite(step.invite);
      case 'remind-invite':
        return this.sessions.remindOfUnusedInvite(step.invite);
    }
  }

  protected failed(name: string): void {
    this.logger.error(`family session step failed: ${name}`);
  }
}
