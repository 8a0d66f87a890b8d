import type { Actor } from '@haven/domain';
import { deciderSpec } from '@haven/domain/testing/given-when-then';
import { noticePreferencesDecider, type NoticePreferencesCommand } from './notice-preferences.decider';
import type { NoticePreferences, NoticePreferencesEvent } from './notice-preferences.events';

const T0 = '2026-12-03T19:00:00.000Z';
const pat: Actor = { userId: 'pat', role: 'participant' };
const night = { from: '22:00', until: '07:00', timeZone: 'America/Chicago' };
const choose = (data: NoticePreferences, actor: Actor = pat): NoticePreferencesCommand => ({ type: 'SetNoticePreferences', data, context: { actor, commandId: 'c', now: T0 } });
const chosen = (data: NoticePreferences, userId = 'pat'): NoticePreferencesEvent => ({ type: 'NoticePreferencesSet', data: { userId, ...data, setAt: T0 } });
const spec = deciderSpec(noticePreferencesDecider);

describe("a person's notice preferences", () => {
  it('pauses, sets quiet hours, and changes them; staff choose too', () => {
    spec.given([]).when(choose({ paused: true, quietHours: null })).then([chosen({ paused: true, quietHours: null })]);
    spec.given([]).when(choose({ paused: false, quietHours: night })).then([chosen({ paused: false, quietHours: night })]);
    spec
      .given([chosen({ paused: false, quietHours: night })])
      .when(choose({ paused: false, quietHours: { ...night, from: '23:00' } }))
      .then([chosen({ paused: false, quietHours: { ...night, from: '23:00' } })]);
    spec.given([chosen({ paused: true, quietHours: night })]).when(choose({ paused: false, quietHours: null })).then([chosen({ paused: false, quietHours: null })]);
    const fran: Actor = { userId: 'fran', role: 'facilitator' };
    spec.given([]).when(choose({ paused: true, quietHours: null }, fran)).then([chosen({ paused: true, quietHours: null }, 'fran')]);
  });

  it('the same choice again without quiet hours, or the default chosen first, changes nothing', () => {
    spec.given([]).when(choose({ paused: false, quietHours: null })).thenNothing();
    spec.given([chosen({ paused: true, quietHours: null })]).when(choose({ paused: true, quietHours: null })).thenNothing();
  });

  it('records a choice naming quiet hours each time: the log holds them sealed, so the decider cannot compare them', () => {
    const sealed = { from: 'pd:v1:k1:aaa', until: 'pd:v1:k1:bbb', timeZone: 'pd:v1:k1:ccc' };
    spec.given([chosen({ paused: false, quietHours: sealed })]).when(choose({ paused: false, quietHours: night })).then([chosen({ paused: false, quietHours: night })]);
    spec.given([chosen({ paused: false, quietHours: sealed })]).when(choose({ paused: false, quietHours: null })).then([chosen({ paused: false, quietHours: null })]);
  });

  it('keeps only the fields it knows of quiet hours', () => {
    const extra = { ...night, note: 'kept nowhere' } as never;
    spec.given([]).when(choose({ paused: false, quietHours: extra })).then([chosen({ paused: false, quietHours: night })]);
  });

  it('refuses family guests, times that are not HH:MM, hours that start when they end, and unknown zones', () => {
    spec.given([]).when(choose({ paused: true, quietHours: null }, { userId: 'g1', role: 'family' })).thenThrows('NOTICES.FORBIDDEN');
    spec.given([]).when(choose({ paused: false, quietHours: { ...night, from: '24:00' } })).thenThrows('NOTICES.INVALID_QUIET_HOURS', { field: 'quietHours.from' });
    spec.given([]).when(choose({ paused: false, quietHours: { ...night, until: '7:00' } })).thenThrows('NOTICES.INVALID_QUIET_HOURS');
    spec.given([]).when(choose({ paused: false, quietHours: { ...night, until: '22:00' } })).thenThrows('NOTICES.INVALID_QUIET_HOURS');
    spec.given([]).when(choose({ paused: false, quietHours: { ...night, timeZone: 'Chicago' } })).thenThrows('NOTICES.INVALID_QUIET_HOURS', { field: 'quietHours.timeZone' });
  });
});
