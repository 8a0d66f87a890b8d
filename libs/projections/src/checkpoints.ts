import type { BulkWriter, SqlExecutor, SqlWriter } from '@haven/event-store';

export async function migrateCheckpoints(db: SqlExecutor): Promise<void> {
  await db.execute(
    `create table if not exists read_model_checkpoints (name text primary key, position bigint not null)`,
  );
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

/**
 * Moves each named checkpoint to `position` only if it is behind it, in one statement; returns the names this caller
 * moved, i.e. the read models it must apply the event to. Run first in the projection's transaction: when several
 * API nodes follow the same log, the row locks make exactly one of them apply each event to each read model, and a
 * node that is behind skips what another applied.
 */
export async function claimCheckpoints(tx: SqlWriter, names: readonly string[], position: number): Promise<Set<string>> {
  if (names.length === 0) return new Set();
  const claim = claimStatement(names, position);
  const rows = await tx.query<{ name: string }>(`${claim.sql} returning name`, claim.params);
  return new Set(rows.map((row) => row.name));
}

/**
 * claimCheckpoints without waiting for its answer: moves every named checkpoint to `position`, and fails the
 * transaction (RowCountMismatchError, when its batch is sent) unless every one of them was behind it. For the node that
 * appended the event, which is nearly always the first to project it: the claim goes in the same round trip as the
 * writes. Whoever loses the bet rolls back and claims the ordinary way.
 */
export async function claimAllCheckpoints(tx: BulkWriter, names: readonly string[], position: number): Promise<void> {
  if (names.length === 0) return;
  const claim = claimStatement(names, position);
  await tx.executeExpecting(claim.sql, claim.params, names.length);
}

/** moves each named checkpoint that is behind `position` to it: both claims' statement */
function claimStatement(names: readonly string[], position: number): { sql: string; params: (string | number)[] } {
  const placeholders = names.map((_, index) => `$${index + 2}`).join(', ');
  return {
    sql: `update read_model_checkpoints set position = $1 where position < $1 and name in (${placeholders})`,
    params: [position, ...names],
  };
}
