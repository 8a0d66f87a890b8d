import { Injectable, type OnModuleInit } from '@nestjs/common';
import { noteFirstArrivals, RealtimeGateway } from '@haven/realtime';
import { PeopleService } from './people.service';

/** At an admin's first connection AdminSeen is noted, so that an admin who is away can be told of erasure requests. */
@Injectable()
export class AdminsSeen implements OnModuleInit {
  constructor(
    private readonly gateway: RealtimeGateway,
    private readonly people: PeopleService,
  ) {}

  onModuleInit(): void {
    noteFirstArrivals(this.gateway, 'admin', (actor) => this.people.noteAdminSeen(actor));
  }
}
