import { types, type ClientConfig } from 'pg';

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Only plain lower-case identifiers: the name ends up in `-c search_path=` and in DDL. */
export function checkSchemaName(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) throw new Error(`invalid PostgreSQL schema name "${schema}" (use [a-z_][a-z0-9_]*)`);
  return schema;
}

// BIGINT (and count(*)) come back as numbers, as they do from SQLite, so read-model SQL is portable.
// Values beyond 2^53 stay exact as strings rather than being rounded silently.
function parseInt8(value: string): number | string {
  const parsed = Number(value);
  return Number.isSafeInteger(parsed) ? parsed : value;
}

const havenTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === types.builtins.INT8 && format !== 'binary' ? parseInt8 : types.getTypeParser(oid, format)) as typeof types.getTypeParser,
};

/** Connection settings for every client of one store: every table lives in `schema`, found via search_path. */
export function postgresClientConfig(databaseUrl: string, schema: string): ClientConfig {
  return {
    connectionString: databaseUrl,
    options: `-c search_path=${checkSchemaName(schema)}`,
    types: havenTypes,
    // pg waits for ever by default: a server that accepts and never answers would hang the start without a word
    connectionTimeoutMillis: 10_000,
  };
}
