import type { Projection } from '@haven/projections';
import { familyLobbyProjection } from '@haven/family-sessions/read-models/family-lobby.projection';
import { familyLobbyWordProjection } from '@haven/family-sessions/read-models/family-lobby-word.projection';
import { familySessionsProjection } from '@haven/family-sessions/read-models/family-sessions.projection';
import { mentoringProjection } from '@haven/mentoring/read-models/mentoring.projection';
import { accessSuspensionsProjection } from '@haven/personal-data/access-suspensions.projection';
import { erasureRequestsProjection } from '@haven/personal-data/erasure-requests.projection';
import { personalDataReadsProjection } from '@haven/personal-data/personal-data-reads.projection';
import { roomReadModels } from '@haven/rooms/read-models/room-read-models';
import { offlineNoticesProjection } from '@haven/rooms/offline-notices/offline-notices.projection';
import { onCallProjection } from '@haven/safety/on-call.projection';
import { safetyQueueProjection } from '@haven/safety/safety-queue.projection';
import { safetyPagesProjection } from '@haven/safety/safety-pages.projection';

/**
 * Every read model of every context: the follower keeps them current, the rebuild CLI rebuilds them by name.
 * Imported file by file, not through the libs' indexes, so that jest and the bench load it without Nest.
 */
export const allReadModels: Projection[] = [...roomReadModels, mentoringProjection, familySessionsProjection, familyLobbyProjection, familyLobbyWordProjection, safetyQueueProjection, safetyPagesProjection, onCallProjection, offlineNoticesProjection, accessSuspensionsProjection, erasureRequestsProjection, personalDataReadsProjection];
