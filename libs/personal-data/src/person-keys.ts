import { randomBytes, randomUUID } from 'node:crypto';
import type { SqlDatabase, SqlRow } from '@haven/event-store';
import { placeholderList } from '@haven/event-store/sql-database';
import { sealingKey, type SealingKey } from './envelope';
import type { MasterKeys } from './master-keys';

/**
 * One key per person, kept beside the read models in the SQL database: never in the log, and never a read model (a
 * rebuild does not touch it, and nothing could rebuild it). Erasing a person deletes their key's secret; the row stays,
 * so what was sealed under it reads as erased, not as unknown. The next thing sealed for that person gets a new key.
 *
 * Each node caches the keys it has used; an erasure on another node reaches this one as a PersonalDataErased in the
 * log, within the follower's delay, and `erase` runs here too (PersonalData.observe).
 *
 * Secrets are stored wrapped under the master key (MasterKeys), never as they are.
 */
export class PersonKeys {
  /** by key id; null: erased */
  private readonly byId = new Map<string, SealingKey | null>();
  /** each person's key for what is sealed now */
  private readonly current = new Map<string, SealingKey>();

  private constructor(
    private readonly sql: SqlDatabase,
    private readonly master: MasterKeys,
    /** how many keys `open` wrapped anew under the current master key (first start after a rotation or an upgrade) */
    readonly rewrappedAtOpen: number,
  ) {}

  /**
   * Makes the table if need be, then wraps every key not yet under the current master key: those of a previous master
   * key (a rotation) and those stored before keys were wrapped. Refuses, naming the master key, when a key is wrapped
   * under one this node does not hold: started so, it could not open what that key sealed.
   */
  static async open(sql: SqlDatabase, master: MasterKeys): Promise<PersonKeys> {
    await sql.execute(
      `create table if not exists personal_data_keys (
         key_id text primary key, subject_id text not null, secret text, created_at text not null, erased_at text
       )`,
    );
    // at most one key in use per person; erased ones stay beside it
    await sql.execute(`create unique index if not exists personal_data_keys_in_use on personal_data_keys (subject_id) where erased_at is null`);
    let rewrapped = 0;
    // only the rows still to wrap: a start after no rotation reads none
    const toWrap = await sql.query(`select key_id, secret from personal_data_keys where secret is not null and secret not like $1`, [`${master.currentPrefix}%`]);
    for (const row of toWrap) {
      const [keyId, stored] = [String(row.key_id), String(row.secret)];
      // only the row as read: one erased meanwhile (secret null), or rewrapped by another node starting too, stays so
      rewrapped += await sql.execute(`update personal_data_keys set secret = $1 where key_id = $2 and secret = $3`, [
        master.wrap(keyId, master.unwrap(keyId, stored)),
        keyId,
        stored,
      ]);
    }
    return new PersonKeys(sql, master, rewrapped);
  }

  /** the key to seal this person's data with now, made on first use (on any node: the first to insert wins) */
  async inUseFor(subjectId: string): Promise<SealingKey> {
    const cached = this.current.get(subjectId);
    if (cached) return cached;
    let row = await this.inUseRow(subjectId);
    if (!row) {
      const keyId = randomUUID();
      await this.sql.execute(
        `insert into personal_data_keys (key_id, subject_id, secret, created_at) values ($1, $2, $3, $4) on conflict do nothing`,
        [keyId, subjectId, this.master.wrap(keyId, randomBytes(32)), new Date().toISOString()],
      );
      row = await this.inUseRow(subjectId);
      if (!row) throw new Error('personal_data_keys: no key in use after inserting one');
    }
    const key = this.unwrapped(String(row.key_id), String(row.secret));
    this.current.set(subjectId, key);
    this.byId.set(key.keyId, key);
    return key;
  }

  private async inUseRow(subjectId: string): Promise<SqlRow | undefined> {
    const [row] = await this.sql.query(`select key_id, secret from personal_data_keys where subject_id = $1 and erased_at is null`, [subjectId]);
    return row;
  }

  /**
   * reads the keys of these ids that this node has not cached yet, so that `get` answers for each. An id no row names
   * is not remembered: only text shaped like a sealed value brings one (see PersonalData.sealEvent), and a cache of
   * those would grow with what people type.
   */
  async load(keyIds: Iterable<string>): Promise<void> {
    const missing = [...new Set(keyIds)].filter((id) => !this.byId.has(id));
    if (missing.length === 0) return;
    const rows = await this.sql.query(`select key_id, secret from personal_data_keys where key_id in (${placeholderList(missing.length)})`, missing);
    const found = new Map(rows.map((r) => [String(r.key_id), r.secret === null ? null : String(r.secret)]));
    for (const [id, secret] of found) this.byId.set(id, secret === null ? null : this.unwrapped(id, secret));
  }

  private unwrapped(keyId: string, stored: string): SealingKey {
    return sealingKey(keyId, this.master.unwrap(keyId, stored));
  }

  /** after `load`: the key; null when it was erased; undefined when no row names it */
  get(keyId: string): SealingKey | null | undefined {
    return this.byId.get(keyId);
  }

  /** the ids of the person's keys not erased yet */
  async keyIdsOf(subjectId: string): Promise<string[]> {
    const rows = await this.sql.query(`select key_id from personal_data_keys where subject_id = $1 and erased_at is null order by created_at`, [subjectId]);
    return rows.map((r) => String(r.key_id));
  }

  /** deletes these keys' secrets (again: a no-op) and forgets them here */
  async erase(keyIds: readonly string[], at: string): Promise<void> {
    this.forget(keyIds);
    if (keyIds.length === 0) return;
    const placeholders = keyIds.map((_, i) => `$${i + 2}`).join(', ');
    await this.sql.execute(`update personal_data_keys set secret = null, erased_at = $1 where erased_at is null and key_id in (${placeholders})`, [at, ...keyIds]);
  }

  /** this node stops using these keys: what they sealed reads as erased from now on */
  private forget(keyIds: readonly string[]): void {
    const erased = new Set(keyIds);
    for (const id of erased) this.byId.set(id, null);
    for (const [subjectId, key] of this.current) if (erased.has(key.keyId)) this.current.delete(subjectId);
  }
}
