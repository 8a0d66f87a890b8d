import type { PersonalFieldMap } from '@haven/domain';
import type { AppendResult, EventStore, ExpectedRevision, NewEvent, ReadAllOptions, ReadStreamOptions, RecordedEvent, Storage, SubscribeOptions, Subscription } from '@haven/event-store';
import { PersonalData } from './personal-data';
import type { MasterKeys } from './master-keys';
import { PersonKeys } from './person-keys';

/** An event store whose appends seal personal fields first; reads hand back what is stored, sealed. */
export class SealingEventStore implements EventStore {
  constructor(
    private readonly inner: EventStore,
    private readonly personalData: PersonalData,
  ) {}

  get kind(): EventStore['kind'] {
    return this.inner.kind;
  }

  async append(streamId: string, events: NewEvent[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    const sealed = await Promise.all(events.map((event) => this.personalData.sealEvent(event)));
    return this.inner.append(streamId, sealed, expectedRevision);
  }

  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    return this.inner.readStream(streamId, options);
  }

  readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    return this.inner.readAll(options);
  }

  headPosition(): Promise<number> {
    return this.inner.headPosition();
  }

  subscribeToAll(options: SubscribeOptions): Subscription {
    return this.inner.subscribeToAll(options);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

/**
 * The storage the app uses: its event store seals the declared personal fields of every event appended (see
 * PersonalData), with keys in a table of the storage's SQL database, wrapped under the master key.
 */
export async function sealPersonalData(
  storage: Storage,
  fields: PersonalFieldMap,
  masterKeys: MasterKeys,
): Promise<{ storage: Storage; personalData: PersonalData; rewrappedKeys: number }> {
  const keys = await PersonKeys.open(storage.sql, masterKeys);
  const personalData = new PersonalData(keys, fields);
  const sealed: Storage = {
    events: new SealingEventStore(storage.events, personalData),
    sql: storage.sql,
    eventsTableInSql: storage.eventsTableInSql,
    close: () => storage.close(),
  };
  return { storage: sealed, personalData, rewrappedKeys: keys.rewrappedAtOpen };
}
