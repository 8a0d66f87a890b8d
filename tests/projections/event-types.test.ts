import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RecordedEvent, SqlWriter } from '@haven/event-store';
import { allReadModels } from '../../apps/api/src/read-models';

/**
 * A read model's `eventTypes` lets a rebuild read only those types from the log, so a type its `apply` handles but
 * does not list would be missing from rebuilt tables. Every event type the domains declare, applied to every read
 * model that does not list it, must issue no statement.
 */
const EVENT_FILES = [
  'libs/rooms/src/domain/room.events.ts',
  'libs/mentoring/src/domain/mentoring.events.ts',
  'libs/mentoring/src/domain/mentor-profile.ts',
  'libs/family-sessions/src/domain/family-session.events.ts',
  'libs/safety/src/domain/safety-alert.events.ts',
  'libs/safety/src/domain/safety-pager.events.ts',
  'libs/safety/src/domain/on-call.decider.ts',
  'libs/personal-data/src/domain/person.events.ts',
  'libs/personal-data/src/domain/reads.events.ts',
  'libs/rooms/src/offline-notices/offline-notice.events.ts',
  'libs/rooms/src/hidden-people/hidden-people.events.ts',
  'libs/rooms/src/notice-preferences/notice-preferences.events.ts',
  'libs/rooms/src/presence-privacy/presence-privacy.ts',
];
const DOMAIN_TYPES = EVENT_FILES.flatMap((file) =>
  [...readFileSync(join(__dirname, '..', '..', file), 'utf8').matchAll(/DomainEvent<\s*'(\w+)'/g)].map((match) => match[1]),
);

function recordingWriter(statements: string[]): SqlWriter {
  return {
    async query(sql) {
      statements.push(sql);
      return [];
    },
    async execute(sql) {
      statements.push(sql);
      return 0;
    },
  };
}

const eventOf = (type: string, streamId: string): RecordedEvent =>
  ({ position: 7, eventId: 'e', streamId, streamRevision: 0, type, data: {}, metadata: {}, recordedAt: '2026-01-05T10:00:00.000Z' }) as unknown as RecordedEvent;

describe('the event types read models declare', () => {
  it('finds the domains event types', () => {
    expect(DOMAIN_TYPES).toEqual(expect.arrayContaining(['RoomCreated', 'MessagePosted', 'MemberUnbanned', 'PairingStarted', 'MentorLanguagesSet', 'SafetyAlertRaised', 'PersonalDataErased']));
    expect(DOMAIN_TYPES.length).toBeGreaterThan(25);
  });

  for (const projection of allReadModels.filter((p) => p.eventTypes)) {
    it(`${projection.name} lists every type it applies`, async () => {
      const unlisted = DOMAIN_TYPES.filter((type) => !projection.eventTypes!.includes(type));
      for (const type of unlisted) {
        for (const streamId of ['room-r1', 'mentee-alice', 'mentor-profile-m1', 'session-s1', 'safety-a1', 'person-p1', 'on-call', 'reads-r1', 'pager-a1', 'notices-r1-u1']) {
          const statements: string[] = [];
          await projection.apply(recordingWriter(statements), eventOf(type, streamId));
          expect({ type, streamId, statements }).toEqual({ type, streamId, statements: [] });
        }
      }
      // and the listed ones are real types of the domains
      expect(DOMAIN_TYPES).toEqual(expect.arrayContaining([...projection.eventTypes!]));
    });
  }
});
