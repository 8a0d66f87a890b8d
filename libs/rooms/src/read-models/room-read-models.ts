import { moderationLogProjection } from './moderation-log.projection';
import { roomReportsProjection } from './room-reports.projection';
import { muteDeadlinesProjection } from './mute-deadlines.projection';
import { roomDirectoryProjection } from './room-directory.projection';
import { roomMembershipProjection } from './room-membership.projection';
import { roomMessagesProjection } from './room-messages.projection';
import { roomAwayNoticesProjection } from './room-away-notices.projection';
import { roomPinsProjection } from './room-pins.projection';
import { roomReadMarksProjection } from './room-read-marks.projection';
import { hiddenPeopleProjection } from '../hidden-people/hidden-people.projection';
import { roomAgreementsProjection } from './room-agreements.projection';
import { roomOpenHoursProjection } from './room-open-hours.projection';
import { noticePreferencesProjection } from '../notice-preferences/notice-preferences.projection';
import { presenceHiddenProjection } from '../presence-privacy/presence-privacy.projection';

/** Every read model of the rooms context (the app registers them; the rebuild CLI finds them by name). */
export const roomReadModels = [
  roomMembershipProjection,
  roomDirectoryProjection,
  roomMessagesProjection,
  roomReportsProjection,
  moderationLogProjection,
  muteDeadlinesProjection,
  roomReadMarksProjection,
  roomPinsProjection,
  roomAwayNoticesProjection,
  hiddenPeopleProjection,
  roomAgreementsProjection,
  roomOpenHoursProjection,
  noticePreferencesProjection,
  presenceHiddenProjection,
];
