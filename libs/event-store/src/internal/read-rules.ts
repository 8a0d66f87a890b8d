import type { ReadStreamOptions } from '../event-store';

/** The first revision a stream read returns: `fromRevision`, checked (adapters bind it into SQL or a BigInt). */
export function fromRevisionOf(options: ReadStreamOptions | undefined): number {
  const from = options?.fromRevision ?? 0;
  if (!Number.isSafeInteger(from) || from < 0) throw new RangeError(`fromRevision ${from} is not a safe integer >= 0`);
  return from;
}
