import type { BulkWriter, SqlDatabase, SqlExecutor, SqlWriter } from '@haven/event-store';

/**
 * The checkpoints' table and the versions' table (prepareReadModels fills it). Each checkpoint row carries its read
 * model's stored version too, which the claims match (claimCheckpoints): a correlated read of the versions' table in
 * every claim cost about 30 µs on SQLite. A database from before that column gets it here, and its values from
 * prepareReadModels, which writes each read model's version into both tables in one transaction.
 */
export async function migrateCheckpoints(db: SqlDatabase): Promise<void> {
  await db.execute(
    `create table if not exists read_model_checkpoints (name text primary key, position bigint not null, version integer not null default 1)`,
  );
  await db.execute(`create table if not exists read_model_versions (name text primary key, version integer not null)`);
  const columns =
    db.dialect === 'postgres'
      ? `select count(*) as n from information_schema.columns where table_schema = current_schema() and table_name = 'read_model_checkpoints' and column_name = 'version'`
      : `select count(*) as n from pragma_table_info('read_model_checkpoints') where name = 'version'`;
  const [{ n }] = await db.query<{ n: number | string }>(columns);
  // "if not exists": nodes starting together may both find it missing (PostgreSQL; SQLite has no such clause, nor nodes)
  const ifNotExists = db.dialect === 'postgres' ? ' if not exists' : '';
  if (Number(n) === 0) await db.execute(`alter table read_model_checkpoints add column${ifNotExists} version integer not null default 1`);
}

/** Writes the version a read model's checkpoint row carries (prepareReadModels, with read_model_versions). */
export async function setCheckpointVersion(tx: SqlExecutor, name: string, version: number): Promise<void> {
  await tx.execute(`update read_model_checkpoints set version = $2 where name = $1 and version <> $2`, [name, version]);
}

export async function readCheckpoint(db: SqlExecutor, name: string): Promise<number> {
  const rows = await db.query<{ position: number | string }>(
    `select position from read_model_checkpoints where name = $1`,
    [name],
  );
  return rows.length === 0 ? 0 : Number(rows[0].position);
}

export async function ensureCheckpoint(db: SqlExecutor, name: string): Promise<void> {
  await db.execute(
    `insert into read_model_checkpoints (name, position) values ($1, 0) on conflict (name) do nothing`,
    [name],
  );
}

export async function setCheckpoint(tx: SqlWriter, name: string, position: number): Promise<void> {
  await tx.execute(`update read_model_checkpoints set position = $2 where name = $1`, [name, position]);
}

/** A read model as its checkpoint's claims see it: its name, and the version this code builds (1 when unset). */
export interface VersionedName {
  readonly name: string;
  readonly version?: number;
}

/**
 * Moves each read model's checkpoint to `position` only if it is behind it and the read model is stored at the version
 * given, in one statement; returns the names this caller moved, i.e. the read models it must apply the event to. Run
 * first in the projection's transaction: when several API nodes follow the same log, the row locks make exactly one of
 * them apply each event to each read model, and a node that is behind skips what another applied. The version keeps
 * a node of an earlier version, still running while a later one rebuilds a read model it changed (a rolling deploy),
 * from writing its rows into the new tables or moving their checkpoint: it skips that read model, and its /health says
 * why (readModelVersionsDiffer).
 */
export async function claimCheckpoints(tx: SqlWriter, readModels: readonly VersionedName[], position: number): Promise<Set<string>> {
  if (readModels.length === 0) return new Set();
  const claim = claimStatement(readModels, position);
  const rows = await tx.query<{ name: string }>(`${claim.sql} returning name`, claim.params);
  return new Set(rows.map((row) => row.name));
}

/**
 * claimCheckpoints without waiting for its answer: moves every read model's checkpoint to `position`, and fails the
 * transaction (RowCountMismatchError, when its batch is sent) unless every one of them was behind it, at its version.
 * For the node that appended the event, which is nearly always the first to project it: the claim goes in the same
 * round trip as the writes. Whoever loses the bet rolls back and claims the ordinary way.
 */
export async function claimAllCheckpoints(tx: BulkWriter, readModels: readonly VersionedName[], position: number): Promise<void> {
  if (readModels.length === 0) return;
  const claim = claimStatement(readModels, position);
  await tx.executeExpecting(claim.sql, claim.params, readModels.length);
}

/**
 * moves each checkpoint that is behind `position`, of a read model stored at the version given, to it: both claims'
 * statement, matching the version its row carries. Name and version go as one `name:version` key: as cheap as the
 * name alone on both engines, where pairs of them in VALUES cost about 0.13 ms more a claim on PostgreSQL.
 */
function claimStatement(readModels: readonly VersionedName[], position: number): { sql: string; params: (string | number)[] } {
  const placeholders = readModels.map((_, index) => `$${index + 2}`).join(', ');
  return {
    sql: `update read_model_checkpoints set position = $1 where position < $1 and name || ':' || version in (${placeholders})`,
    params: [position, ...readModels.map((readModel) => `${readModel.name}:${readModel.version ?? 1}`)],
  };
}
