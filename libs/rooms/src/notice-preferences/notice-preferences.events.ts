import type { DomainEvent, PersonalFieldMap } from '@haven/domain';

/**
 * A person's own choice about being told while away (notices.setPreferences), for every room, request and session at
 * once, beside each room's switch (rooms.setAwayNotices): one stream per person, `notice-preferences-<userId>`, so
 * each person's choice is decided on its own and goes to them alone.
 */
export const NOTICE_PREFERENCES_STREAM_PREFIX = 'notice-preferences-';
export const noticePreferencesStreamName = (userId: string) => `${NOTICE_PREFERENCES_STREAM_PREFIX}${userId}`;
export const isNoticePreferencesStream = (streamId: string) => streamId.startsWith(NOTICE_PREFERENCES_STREAM_PREFIX);

/**
 * Hours of the person's own day when nothing is sent: `from` and `until` as HH:MM on a 24-hour clock, in the IANA time
 * zone the person lives in (so summer time moves with them). `from` after `until` spans midnight (22:00 to 07:00).
 */
export type QuietHours = {
  from: string;
  until: string;
  timeZone: string;
};

export type NoticePreferences = {
  /** nothing is sent to this person's devices at all while true: a shared phone, a break from the app */
  paused: boolean;
  quietHours: QuietHours | null;
};

export const DEFAULT_NOTICE_PREFERENCES: NoticePreferences = { paused: false, quietHours: null };

export type NoticePreferencesSet = DomainEvent<'NoticePreferencesSet', { userId: string; setAt: string } & NoticePreferences>;
export type NoticePreferencesEvent = NoticePreferencesSet;
export const NOTICE_PREFERENCES_EVENT_TYPES: readonly NoticePreferencesEvent['type'][] = ['NoticePreferencesSet'];

/**
 * When someone sleeps and where they live (the time zone) are theirs: sealed with their key, so an erasure leaves
 * quiet hours of nulls, read as none (sealPersonalData walks the nested paths).
 */
export const NOTICE_PREFERENCES_PERSONAL_FIELDS: PersonalFieldMap = {
  NoticePreferencesSet: { subject: 'userId', fields: ['quietHours.from', 'quietHours.until', 'quietHours.timeZone'] },
};

export type NoticePreferencesState = NoticePreferences;

export function evolveNoticePreferences(_state: NoticePreferencesState, event: NoticePreferencesEvent): NoticePreferencesState {
  return { paused: event.data.paused, quietHours: event.data.quietHours };
}
