import type { PersonalFieldMap } from '@haven/domain';
import { FAMILY_SESSION_PERSONAL_FIELDS } from '@haven/family-sessions/domain/family-session.events';
import { MENTOR_PROFILE_PERSONAL_FIELDS } from '@haven/mentoring/domain/mentor-profile';
import { MENTORING_PERSONAL_FIELDS } from '@haven/mentoring/domain/mentoring.events';
import { PERSON_PERSONAL_FIELDS } from '@haven/personal-data/domain/person.events';
import { ROOM_PERSONAL_FIELDS } from '@haven/rooms/domain/room.events';
import { NOTICE_PREFERENCES_PERSONAL_FIELDS } from '@haven/rooms/notice-preferences/notice-preferences.events';
import { SAFETY_PERSONAL_FIELDS } from '@haven/safety/domain/safety-alert.events';

/** Every context's personal fields, sealed with their person's key on append (see @haven/personal-data). */
export const allPersonalFields: PersonalFieldMap = {
  ...ROOM_PERSONAL_FIELDS,
  ...NOTICE_PREFERENCES_PERSONAL_FIELDS,
  ...MENTORING_PERSONAL_FIELDS,
  ...MENTOR_PROFILE_PERSONAL_FIELDS,
  ...FAMILY_SESSION_PERSONAL_FIELDS,
  ...SAFETY_PERSONAL_FIELDS,
  ...PERSON_PERSONAL_FIELDS,
};
