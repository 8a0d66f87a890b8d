// Drops the PostgreSQL schemas this jest run made (their names carry HAVEN_TEST_RUN, see uniqueSchema): an app's
// schema outlives its test file, since a test may restart an app on the same data. Left behind, they piled up by the
// hundred on a machine that runs the suite often, and every later run's catalog work slowed with them.
const { Client } = require('pg');
module.exports = async () => {
  const run = process.env.HAVEN_TEST_RUN;
  if (process.env.HAVEN_TEST_POSTGRES !== 'up' || !run) return;
  const client = new Client({ connectionString: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test' });
  await client.connect();
  try {
    const { rows } = await client.query(`select nspname from pg_namespace where nspname like $1`, [`%\\_${run}\\_%`]);
    for (const { nspname } of rows) await client.query(`drop schema if exists "${nspname}" cascade`);
  } finally {
    await client.end();
  }
};
