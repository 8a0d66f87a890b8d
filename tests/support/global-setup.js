// Decides once per run whether PostgreSQL tests run: they need DATABASE_URL (default: the local test database).
// Unreachable: skipped with a loud message, except when CI=true, where the run fails.
const { Client } = require('pg');
module.exports = async () => {
  // every PostgreSQL schema this run makes carries it (uniqueSchema), for global-teardown.js to drop
  process.env.HAVEN_TEST_RUN = `r${Date.now().toString(36)}`;
  const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    process.env.HAVEN_TEST_POSTGRES = 'up';
  } catch (error) {
    if (process.env.CI === 'true') throw new Error(`PostgreSQL at ${url} is unreachable and CI=true: failing the run (${error})`);
    process.env.HAVEN_TEST_POSTGRES = 'down';
    console.warn(`\n\n!!! PostgreSQL at ${url} is unreachable: every PostgreSQL test is SKIPPED. Start it with ../shared/services-up.sh !!!\n`);
  } finally {
    await client.end().catch(() => undefined);
  }
};
