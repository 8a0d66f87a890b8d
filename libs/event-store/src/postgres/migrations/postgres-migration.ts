import type { PoolClient } from 'pg';
import type { RunnableMigration } from 'umzug';

/** An umzug migration run on the migrating client, inside its transaction, with search_path on the store's schema. */
export type PostgresMigration = RunnableMigration<PoolClient>;
