import type { Storage } from '../open-storage';
import { appendContract } from './contract/append.contract';
import type { ContractHarness } from './contract/contract-harness';
import { parallelWritersContract } from './contract/parallel-writers.contract';
import { readContract } from './contract/read.contract';
import { sqlDatabaseContract } from './contract/sql-database.contract';
import { subscribeContract } from './contract/subscribe.contract';

export { follow, newEvent, newEvents } from './contract/contract-harness';

export interface EventStoreContractOptions {
  /** opens a second Storage on the same database as `storage` (another connection or pool) */
  openSibling?: (storage: Storage) => Promise<Storage>;
}

/**
 * The behaviour every event-store adapter must show, run unchanged against each one (uses jest globals).
 * `openFresh` must return a new, empty store each time; every Storage opened is closed after its test.
 */
export function runEventStoreContract(
  name: string,
  openFresh: () => Promise<Storage>,
  options: EventStoreContractOptions = {},
): void {
  describe(`${name} event store contract`, () => {
    const opened: Storage[] = [];
    const track = async (storage: Promise<Storage>): Promise<Storage> => {
      const ready = await storage;
      opened.push(ready);
      return ready;
    };
    const { openSibling } = options;
    const harness: ContractHarness = {
      fresh: () => track(openFresh()),
      sibling: openSibling && ((storage) => track(openSibling(storage))),
    };

    afterEach(async () => {
      const closing = opened.splice(0);
      await Promise.all(closing.map((storage) => storage.close()));
    });

    appendContract(harness);
    readContract(harness);
    subscribeContract(harness);
    parallelWritersContract(harness);
    sqlDatabaseContract(harness);
  });
}
