import type { PersonalFieldMap } from '@haven/domain';
import type { NewEvent, RecordedEvent } from '@haven/event-store';
import { envelopeKeyId, open, seal, type SealingKey } from './envelope';
import type { PersonalDataErased } from './domain/person.events';
import type { PersonKeys } from './person-keys';

/** Injection token for the process's PersonalData (a plain symbol: this lib's core stays free of Nest). */
export const PERSONAL_DATA = Symbol('haven.personal-data');

/**
 * Crypto-shredding, both ways. Into the log: the fields each context declares personal are sealed with the key of the
 * person they are about (`sealEvent`, on every append). Out to a client: whatever leaves the node, an event, an ack, an
 * HTTP body, an error's details, has its sealed values opened (`reveal`); a value whose key was erased becomes null.
 * Read models copy sealed values as they are, so they need no purge when someone is erased, and neither do backups.
 */
export class PersonalData {
  constructor(
    private readonly keys: PersonKeys,
    private readonly fields: PersonalFieldMap,
  ) {}

  /**
   * The event with its personal fields sealed: a string, or each string of a list (a request's topics). A value sealed
   * already (copied from an earlier event) stays as it is; one that only looks sealed (someone typed that shape, naming
   * no key of ours) is sealed like any other text.
   */
  async sealEvent<E extends NewEvent>(event: E): Promise<E> {
    const declared = this.fields[event.type];
    if (!declared) return event;
    const values = declared.fields.map((path) => [path, valueAt(event.data, path)] as const);
    const texts = values.flatMap(([, value]) => (typeof value === 'string' ? [value] : Array.isArray(value) ? value.filter(isString) : []));
    const claimed = texts.map(envelopeKeyId).filter((keyId) => keyId !== null);
    if (claimed.length > 0) await this.keys.load(claimed);
    const sealedAlready = (text: string) => {
      const keyId = envelopeKeyId(text);
      return keyId !== null && this.keys.get(keyId) !== undefined;
    };
    if (texts.every(sealedAlready)) return event;
    const subject = valueAt(event.data, declared.subject);
    if (typeof subject !== 'string' || subject === '') {
      throw new Error(`${event.type} has personal data but no ${declared.subject} to seal it for`);
    }
    const key = await this.keys.inUseFor(subject);
    const sealed = (place: string, text: string) => (sealedAlready(text) ? text : seal(key, `${event.id}/${place}`, text));
    let data = event.data;
    for (const [path, value] of values) {
      if (typeof value === 'string') data = withValueAt(data, path, sealed(path, value));
      else if (Array.isArray(value)) data = withValueAt(data, path, value.map((item, i) => (isString(item) ? sealed(`${path}/${i}`, item) : item)));
    }
    return { ...event, data };
  }

  /**
   * A copy of `value` with every sealed string opened, or null where its key was erased; `value` itself when it holds
   * none. Walks arrays and plain objects only (a Date or a Buffer is passed as it is).
   */
  async reveal<T>(value: T): Promise<T> {
    const keyIds = new Set<string>();
    collectKeyIds(value, keyIds);
    if (keyIds.size === 0) return value;
    await this.keys.load(keyIds);
    return openSealed(value, (keyId) => this.keys.get(keyId));
  }

  /** the ids of the person's keys not erased yet */
  keyIdsOf(userId: string): Promise<string[]> {
    return this.keys.keyIdsOf(userId);
  }

  eraseKeys(keyIds: readonly string[], at: string): Promise<void> {
    return this.keys.erase(keyIds, at);
  }

  readonly observedTypes: readonly string[] = ['PersonalDataErased'];

  /**
   * Every node sees every event go by (the log follower): an erasure, wherever it was asked for, makes this node drop
   * the keys from its cache and, should the node that asked have stopped before it did, deletes their secrets.
   */
  async observe(event: RecordedEvent): Promise<void> {
    if (!this.observedTypes.includes(event.type)) return;
    const { keyIds, erasedAt } = (event as unknown as PersonalDataErased).data;
    await this.keys.erase(keyIds, erasedAt);
  }
}

/**
 * A copy of value with each sealed string opened by its key, or null where there is none (erased, or a key this
 * database never held); walks arrays and plain objects, passes everything else as it is.
 */
export function openSealed<T>(value: T, keyOf: (keyId: string) => SealingKey | null | undefined): T {
  const opened = (item: unknown): unknown => {
    if (typeof item === 'string') {
      const keyId = envelopeKeyId(item);
      if (keyId === null) return item;
      const key = keyOf(keyId);
      return key ? open(key, item) : null;
    }
    if (Array.isArray(item)) return item.map(opened);
    if (isPlainObject(item)) return Object.fromEntries(Object.entries(item).map(([k, v]) => [k, opened(v)]));
    return item;
  };
  return opened(value) as T;
}

const isString = (value: unknown): value is string => typeof value === 'string';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function collectKeyIds(value: unknown, into: Set<string>): void {
  if (typeof value === 'string') {
    const keyId = envelopeKeyId(value);
    if (keyId !== null) into.add(keyId);
  } else if (Array.isArray(value)) {
    for (const item of value) collectKeyIds(item, into);
  } else if (isPlainObject(value)) {
    for (const item of Object.values(value)) collectKeyIds(item, into);
  }
}

function valueAt(data: Record<string, unknown>, path: string): unknown {
  let at: unknown = data;
  for (const part of path.split('.')) {
    if (!isPlainObject(at)) return undefined;
    at = at[part];
  }
  return at;
}

/** a copy of data with the value at path replaced (each object on the path copied, nothing else) */
function withValueAt(data: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const [head, ...rest] = path.split('.');
  if (rest.length === 0) return { ...data, [head]: value };
  return { ...data, [head]: withValueAt(data[head] as Record<string, unknown>, rest.join('.'), value) };
}
