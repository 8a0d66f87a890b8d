import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { kurrentStreamName, streamScope } from '../../libs/event-store/src/kurrentdb/kurrentdb-mapping';
import { familySessionStreamName } from '../../libs/family-sessions/src/domain/family-session.events';
import { mentorProfileStreamName } from '../../libs/mentoring/src/domain/mentor-profile';
import { menteeStreamName } from '../../libs/mentoring/src/domain/mentoring.events';
import { personStreamName } from '../../libs/personal-data/src/domain/person.events';
import { readsStreamName } from '../../libs/personal-data/src/domain/reads.events';
import { hiddenPeopleStreamName } from '../../libs/rooms/src/hidden-people/hidden-people.events';
import { noticePreferencesStreamName } from '../../libs/rooms/src/notice-preferences/notice-preferences.events';
import { noticeStreamName } from '../../libs/rooms/src/offline-notices/offline-notice.events';
import { presenceStreamName } from '../../libs/rooms/src/presence-privacy/presence-privacy';
import { roomStreamName } from '../../libs/rooms/src/domain/room.events';
import { ON_CALL_STREAM } from '../../libs/safety/src/domain/on-call.decider';
import { safetyStreamName } from '../../libs/safety/src/domain/safety-alert.events';
import { pagerStreamName } from '../../libs/safety/src/domain/safety-pager.events';

/** every kind of stream, by the name of what the command handlers pass as the stream (a function or a constant) */
const STREAMS: Record<string, string> = {
  roomStreamName: roomStreamName('id-1'),
  safetyStreamName: safetyStreamName('id-1'),
  pagerStreamName: pagerStreamName('id-1'),
  ON_CALL_STREAM,
  menteeStreamName: menteeStreamName('id-1'),
  mentorProfileStreamName: mentorProfileStreamName('id-1'),
  familySessionStreamName: familySessionStreamName('id-1'),
  personStreamName: personStreamName('id-1'),
  readsStreamName: readsStreamName('id-1'),
  noticeStreamName: noticeStreamName({ roomId: 'id-1' }, 'pat'),
  noticePreferencesStreamName: noticePreferencesStreamName('id-1'),
  hiddenPeopleStreamName: hiddenPeopleStreamName('id-1'),
  presenceStreamName: presenceStreamName('id-1'),
};

const sourceFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [join(dir, entry.name)] : [],
  );

/** what each handleCommand / previewCommand in the libs passes as its stream: its third argument's leading name */
const streamsAppendedTo = [
  ...new Set(
    sourceFiles(join(__dirname, '..', '..', 'libs')).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/\b(?:handleCommand|previewCommand)\(\s*[^,]+,\s*[^,]+,\s*([A-Za-z_]\w*)/g)].map((match) => match[1]),
    ),
  ),
].sort();

// KurrentDB stores only streams under its known prefixes (and filters $all by them): every context's streams must be
// among them, or its first append there fails. No KurrentDB server runs here, so this is where a new kind is caught.
describe('every kind of stream the contexts append to', () => {
  it('is listed here: each stream a command handler appends to, found in the source', () => {
    expect(streamsAppendedTo.length).toBeGreaterThanOrEqual(13);
    expect(streamsAppendedTo.filter((name) => name !== 'streamId')).toEqual(Object.keys(STREAMS).sort());
  });

  it.each(Object.entries(STREAMS))('%s streams are among the KurrentDB stream prefixes', (_kind, streamId) => {
    expect(() => kurrentStreamName(streamScope(), streamId)).not.toThrow();
  });
});
