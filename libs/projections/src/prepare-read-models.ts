import type { SqlDatabase, SqlExecutor } from '@haven/event-store';
import { ensureCheckpoint, migrateCheckpoints, setCheckpointVersion } from './checkpoints';
import type { Projection } from './projection';

/**
 * Readies read models at start (and before a rebuild): each one's tables exist and it has a checkpoint. A read model
 * whose `version` is newer than the one stored for it (none stored: 1, as every read model was before versions were
 * kept) first loses its tables and its checkpoint, so it is built from the log like a new one: an upgrade that changes
 * what a read model holds cannot leave the rows an earlier version wrote under the new rules. One transaction per read
 * model with the versions' table locked, so that nodes starting together reset it once. A read model stored at a newer
 * version than this code's stops the start (ReadModelFromNewerVersionError), unless `rebuilding`: the rebuild CLI
 * takes it back to this version.
 */
export async function prepareReadModels(sql: SqlDatabase, projections: readonly Projection[], { rebuilding = false } = {}): Promise<void> {
  await migrateCheckpoints(sql);
  for (const projection of projections) {
    const version = projection.version ?? 1;
    await sql.transaction(async (tx) => {
      // SQLite's write transactions are serial already
      if (sql.dialect === 'postgres') await tx.execute(`lock table read_model_versions in share row exclusive mode`);
      const [row] = await tx.query<{ version: number | string }>(`select version from read_model_versions where name = $1`, [projection.name]);
      const stored = row === undefined ? null : Number(row.version);
      // none stored: built before versions were kept, which is version 1
      const built = stored ?? 1;
      // a newer version built it: this one would write its older rows into the newer tables (a node left behind in an
      // upgrade, or a rollback), so it does not start; a rebuild, which builds it anew, may take it back
      if (built > version && !rebuilding) throw new ReadModelFromNewerVersionError(projection.name, built, version);
      if (built !== version) {
        for (const table of projection.tables) await tx.execute(`drop table if exists ${table}`);
        await tx.execute(`delete from read_model_checkpoints where name = $1`, [projection.name]);
      }
      if (stored !== version) {
        await tx.execute(
          `insert into read_model_versions (name, version) values ($1, $2) on conflict (name) do update set version = excluded.version`,
          [projection.name, version],
        );
      }
      await projection.migrate(tx);
      await ensureCheckpoint(tx, projection.name);
      await setCheckpointVersion(tx, projection.name, version);
    });
  }
}

/** The database holds a read model a newer version of the app built; this version may not write to it. */
export class ReadModelFromNewerVersionError extends Error {
  constructor(readonly readModel: string, readonly stored: number, readonly known: number) {
    super(
      `read model ${readModel} was built by a newer version of Haven (its version ${stored}; this one knows ${known}): start that version, ` +
        `or rebuild the read models with this one (npm run rebuild-read-models -- --all) once no newer node runs`,
    );
    this.name = 'ReadModelFromNewerVersionError';
  }
}

/** A read model stored at another version than the one this code builds. */
export interface VersionDifference {
  readModel: string;
  stored: number;
  known: number;
}

/**
 * The read models stored at another version than this code's: a later version of Haven started on this database (or
 * the rebuild CLI of an earlier one took them back) while this node runs. Its claims skip them (claimCheckpoints), so
 * nothing is written into them by the wrong rules, but the node can no longer serve them: /health says so.
 */
export async function readModelVersionsDiffer(sql: SqlExecutor, projections: readonly Projection[]): Promise<VersionDifference[]> {
  const rows = await sql.query<{ name: string; version: number | string }>(`select name, version from read_model_versions`);
  const stored = new Map(rows.map((row) => [row.name, Number(row.version)]));
  return projections
    .map((projection) => ({ readModel: projection.name, stored: stored.get(projection.name) ?? 1, known: projection.version ?? 1 }))
    .filter((difference) => difference.stored !== difference.known);
}

/** A read model is stored at another version than this node's code builds (see readModelVersionsDiffer). */
export class ReadModelVersionChangedError extends Error {
  constructor(readonly readModel: string, readonly stored: number, readonly known: number) {
    super(
      `read model ${readModel} is stored at version ${stored} and this node builds version ${known}: another version of Haven ` +
        `runs on this database; stop this node (every node must run one version)`,
    );
    this.name = 'ReadModelVersionChangedError';
  }
}
