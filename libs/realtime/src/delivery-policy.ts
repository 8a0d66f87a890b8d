import type { Actor } from '@haven/domain';
import type { RecordedEvent, SqlExecutor } from '@haven/event-store';

/** socket.io room names: one per audience, so an emit reaches exactly who may see it. */
export const channels = {
  user: (userId: string) => `user:${userId}`,
  /** every socket of a global role, e.g. escalations to all clinicians */
  role: (role: string) => `role:${role}`,
  room: (roomId: string) => `room:${roomId}`,
  roomModerators: (roomId: string) => `room:${roomId}:moderators`,
  /**
   * a family guest's own channel in their session's room: only the guest's family logins of that session are in it
   * (a family login is in no other room channel), so events naming the guest reach them there and not through
   * `user:<id>`, which keeps excepting `role:family`
   */
  roomGuest: (roomId: string, userId: string) => `room:${roomId}:guest:${userId}`,
} as const;

/** A change of which channels a user's sockets belong to, caused by an event (join, removal, ban...). */
export interface ChannelMove {
  userId: string;
  channel: string;
  /** sockets of the user in these channels stay where they are (e.g. `role:family` for a room's channels) */
  except?: string[];
  /**
   * only the user's sockets whose login passes, e.g. a family guest's logins of the session the room belongs to: a
   * socket's channels cannot say which session its token names
   */
  only?: (actor: Actor) => boolean;
}

/** One emit: the event (or the form of it this audience may see) to these channels, minus those. */
export interface Delivery {
  to: string[];
  except: string[];
  event: RecordedEvent;
}

/** How one event is delivered live. */
export interface LiveRoute {
  /** usually one; two when some receivers get a redacted form (e.g. members see a removal as a neutral leave) */
  deliveries: Delivery[];
  /** moves applied before the emit (a joiner sees their own join) */
  joinBefore: ChannelMove[];
  /** moves applied after the emit (a removed member sees their removal, then nothing more) */
  leaveAfter: ChannelMove[];
  /** users whose connections end after the emit, on every node (each node ends its own), told why first */
  endSessions?: { userId: string; code: string; message: string }[];
}

/**
 * Each context's answer to "who sees this event". Live routing and catch-up filtering are both derived from
 * the context's one audience function, so they cannot disagree.
 */
export interface DeliveryPolicy {
  /** whether this context's audience rules cover the event */
  owns(event: RecordedEvent): boolean;
  /** the live route of an owned event; read models are already at (or past) its position */
  route(event: RecordedEvent, db: SqlExecutor): Promise<LiveRoute>;
  /**
   * Catch-up: of these events (all owned by this context, in order), the ones this viewer may see, as the
   * viewer should see them (e.g. a since-redacted message body replaced by a placeholder).
   */
  visibleTo(viewer: Actor, events: RecordedEvent[], db: SqlExecutor): Promise<RecordedEvent[]>;
  /** the channels this viewer's sockets belong to at a position (read models are at least that far) */
  channelsAt(viewer: Actor, position: number, db: SqlExecutor): Promise<string[]>;
  /**
   * The people an owned event, in the form a viewer was sent, is a record about (a report's author and reporter, a
   * muted member, an alert's person, a pairing, a suspension), as the HTTP answer listing it names them; none for a
   * room's conversation. A catch-up by staff records them as read (PersonalDataRead) before it is sent.
   */
  recordsAbout(event: RecordedEvent): string[];
}

/** The user ids an event's data holds in these fields (one id, or a list of them), for `recordsAbout`. */
export function idsIn(data: Record<string, unknown>, fields: readonly string[]): string[] {
  return fields.flatMap((field) => {
    const value = data[field];
    const values = Array.isArray(value) ? value : [value];
    return values.filter((id): id is string => typeof id === 'string');
  });
}

/** The durable event as a client receives it on the `event` socket message. */
export interface WireEvent {
  position: number;
  type: string;
  streamId: string;
  data: Record<string, unknown>;
  actorId: string;
  occurredAt: string;
}

export function toWireEvent(event: RecordedEvent): WireEvent {
  return {
    position: event.position,
    type: event.type,
    streamId: event.streamId,
    data: event.data,
    actorId: event.metadata.actorId,
    occurredAt: event.metadata.occurredAt,
  };
}
