import type { PostgresMigration } from './postgres-migration';

/** SQLSTATE of haven_expect_rows' error: class Z, one the SQL standard leaves to implementations and PostgreSQL does not use. */
export const ROW_COUNT_MISMATCH_SQLSTATE = 'ZH001';

/**
 * haven_expect_rows(actual, expected) raises ROW_COUNT_MISMATCH_SQLSTATE unless they are equal: what
 * BulkWriter.executeExpecting wraps a held write in, so the check fails the transaction in the same round trip as the
 * write and the writes after it are never run.
 */
export const createExpectRowsFunction: PostgresMigration = {
  name: '0003-create-expect-rows-function',
  async up({ context: client }) {
    await client.query(`
      CREATE FUNCTION haven_expect_rows(p_actual bigint, p_expected bigint) RETURNS void LANGUAGE plpgsql AS $fn$
      BEGIN
        IF p_actual IS DISTINCT FROM p_expected THEN
          RAISE EXCEPTION 'expected % changed rows, % changed', p_expected, p_actual USING ERRCODE = '${ROW_COUNT_MISMATCH_SQLSTATE}';
        END IF;
      END
      $fn$
    `);
  },
  async down({ context: client }) {
    await client.query('DROP FUNCTION haven_expect_rows');
  },
};
