import { kurrentStreamName, streamScope } from '../../libs/event-store/src/kurrentdb/kurrentdb-mapping';
import { familySessionStreamName } from '../../libs/family-sessions/src/domain/family-session.events';
import { mentorProfileStreamName } from '../../libs/mentoring/src/domain/mentor-profile';
import { menteeStreamName } from '../../libs/mentoring/src/domain/mentoring.events';
import { personStreamName } from '../../libs/personal-data/src/domain/person.events';
import { roomStreamName } from '../../libs/rooms/src/domain/room.events';
import { safetyStreamName } from '../../libs/safety/src/domain/safety-alert.events';

// KurrentDB stores only streams under its known prefixes (and filters $all by them): every context's streams must be
// among them, or its first append there fails. No KurrentDB server runs here, so this is where a new kind is caught.
describe('every kind of stream the contexts append to', () => {
  it.each([
    ['room', roomStreamName],
    ['safety alert', safetyStreamName],
    ['mentee', menteeStreamName],
    ['mentor profile', mentorProfileStreamName],
    ['family session', familySessionStreamName],
    ['person (erasures, exports)', personStreamName],
  ])('%s streams are among the KurrentDB stream prefixes', (_kind, streamName) => {
    expect(() => kurrentStreamName(streamScope(), streamName('id-1'))).not.toThrow();
  });
});
