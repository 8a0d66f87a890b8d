import type { Projection } from '@haven/projections';
import { roomReadModels } from '@haven/rooms';
import { safetyQueueProjection } from '@haven/safety';

/** Every read model of every context: the follower keeps them current, the rebuild CLI rebuilds them by name. */
export const allReadModels: Projection[] = [...roomReadModels, safetyQueueProjection];
