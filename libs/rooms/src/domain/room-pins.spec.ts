import { T0, at, command, event, joined, pairRoomOpened, posted, roomWithAliceAndBob, spec, users } from './testing/room.fixtures';
import { MAX_PINS } from './room-pins.decide';

const room = [...roomWithAliceAndBob(), joined(users.clinician), joined(users.facilitator2), posted('m-fac', users.facilitator), posted('m-alice', users.alice), posted('m-clin', users.clinician)];
const pin = (messageId: string, by = users.facilitator, now = T0) => command('PinMessage', { messageId }, by, now);
const unpin = (messageId: string, by = users.facilitator, now = T0) => command('UnpinMessage', { messageId }, by, now);
const pinned = (messageId: string, authorId = 'fac-1', by = 'fac-1', pinnedAt = T0) => event('MessagePinned', { messageId, authorId, by, pinnedAt });
const unpinned = (messageId: string, cause: 'unpinned' | 'deleted' | 'redacted', by = 'fac-1', unpinnedAt = T0) =>
  event('MessageUnpinned', { messageId, cause, by, unpinnedAt });

describe('PinMessage', () => {
  it("pins a facilitator's or staff member's message, with who pinned it", () => {
    spec.given(room).when(pin('m-fac', users.facilitator, at(5))).then([pinned('m-fac', 'fac-1', 'fac-1', at(5))]);
    spec.given(room).when(pin('m-clin')).then([pinned('m-clin', 'clin-1')]);
    // clinicians and admins pin in any room, members or not
    spec.given(room).when(pin('m-fac', users.admin)).then([pinned('m-fac', 'fac-1', 'admin-1')]);
  });

  it("refuses a participant's words: a pin shows them to members who were not there", () => {
    spec.given(room).when(pin('m-alice')).thenThrows('ROOM.CANNOT_PIN', { messageId: 'm-alice' });
    // a member appointed to facilitate the room may have theirs pinned
    const appointed = event('FacilitatorAppointed', { userId: 'alice', by: 'fac-1', appointedAt: T0 });
    spec.given([...room, appointed]).when(pin('m-alice')).then([pinned('m-alice', 'alice')]);
  });

  it('refuses members who do not moderate the room, and non-members', () => {
    spec.given(room).when(pin('m-fac', users.alice)).thenThrows('ROOM.FORBIDDEN');
    spec.given(room).when(pin('m-fac', users.facilitator2)).thenThrows('ROOM.FORBIDDEN');
    spec.given(room).when(pin('m-fac', users.carol)).thenThrows('ROOM.NOT_A_MEMBER');
  });

  it('refuses messages that are not there, deleted or redacted', () => {
    spec.given(room).when(pin('m-none')).thenThrows('ROOM.MESSAGE_NOT_FOUND', { messageId: 'm-none' });
    const deleted = event('MessageDeleted', { messageId: 'm-clin', authorId: 'clin-1', deletedAt: T0 });
    spec.given([...room, deleted]).when(pin('m-clin')).thenThrows('ROOM.MESSAGE_NOT_FOUND');
    const redacted = event('MessageRedacted', { messageId: 'm-clin', authorId: 'clin-1', reason: 'wrong room', by: 'admin-1', redactedAt: T0 });
    spec.given([...room, redacted]).when(pin('m-clin')).thenThrows('ROOM.MESSAGE_REDACTED', { messageId: 'm-clin' });
  });

  it(`keeps at most ${MAX_PINS} pinned; pinning the pinned changes nothing`, () => {
    const many = Array.from({ length: MAX_PINS + 1 }, (_, i) => `m-${i}`);
    const pinnedAll = [...room, ...many.map((id) => posted(id, users.facilitator)), ...many.slice(0, MAX_PINS).map((id) => pinned(id))];
    spec.given(pinnedAll).when(pin(many[MAX_PINS])).thenThrows('ROOM.TOO_MANY_PINS', { max: MAX_PINS, pinned: many.slice(0, MAX_PINS) });
    spec.given(pinnedAll).when(pin(many[0])).thenNothing();
    // one unpinned makes room again
    spec.given([...pinnedAll, unpinned(many[2], 'unpinned')]).when(pin(many[MAX_PINS])).then([pinned(many[MAX_PINS])]);
  });

  it("refuses in a mentor pair's room and in an archived room", () => {
    spec.given([pairRoomOpened(), posted('p1', users.alice)]).when(pin('p1', users.clinician)).thenThrows('ROOM.PAIR_ROOM');
    const archived = event('RoomArchived', { by: 'fac-1', archivedAt: T0 });
    spec.given([...room, archived]).when(pin('m-fac')).thenThrows('ROOM.ARCHIVED');
  });
});

describe('UnpinMessage, and messages deleted or redacted while pinned', () => {
  const withPin = [...room, pinned('m-clin', 'clin-1')];

  it('unpins a pinned message; unpinning what is not pinned changes nothing', () => {
    spec.given(withPin).when(unpin('m-clin', users.facilitator, at(9))).then([unpinned('m-clin', 'unpinned', 'fac-1', at(9))]);
    spec.given(room).when(unpin('m-clin')).thenNothing();
    spec.given([...withPin, unpinned('m-clin', 'unpinned')]).when(unpin('m-clin')).thenNothing();
    spec.given(withPin).when(unpin('m-clin', users.alice)).thenThrows('ROOM.FORBIDDEN');
  });

  it('unpins a pinned message its author deletes, in the same decision', () => {
    spec.given(withPin).when(command('DeleteMessage', { messageId: 'm-clin' }, users.clinician, at(3))).then([
      event('MessageDeleted', { messageId: 'm-clin', authorId: 'clin-1', deletedAt: at(3) }),
      unpinned('m-clin', 'deleted', 'clin-1', at(3)),
    ]);
    spec.given(room).when(command('DeleteMessage', { messageId: 'm-clin' }, users.clinician)).then([
      event('MessageDeleted', { messageId: 'm-clin', authorId: 'clin-1', deletedAt: T0 }),
    ]);
  });

  it('unpins a pinned message a moderator redacts, in the same decision', () => {
    spec.given(withPin).when(command('RedactMessage', { messageId: 'm-clin', reason: 'names a member' }, users.admin)).then([
      event('MessageRedacted', { messageId: 'm-clin', authorId: 'clin-1', reason: 'names a member', by: 'admin-1', redactedAt: T0 }),
      unpinned('m-clin', 'redacted', 'admin-1'),
    ]);
  });
});
