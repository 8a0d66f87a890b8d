import { openSqliteConnection, SqliteDatabase, toPositionalPlaceholders } from './sqlite-database';

describe('SQLite placeholders and binding', () => {
  it('turns $n into ? with the parameter each takes, leaving quoted text alone', () => {
    expect(toPositionalPlaceholders(`UPDATE t SET a = $3, b = '$1', "$2" = $1 WHERE id = $1`)).toEqual({
      sql: `UPDATE t SET a = ?, b = '$1', "$2" = ? WHERE id = ?`,
      order: [2, 0, 0],
    });
  });

  it('binds parameters in order, out of order, repeated, unused, and booleans as 0/1', async () => {
    const db = new SqliteDatabase(openSqliteConnection(':memory:'));
    try {
      await db.execute('CREATE TABLE t (id TEXT PRIMARY KEY, n INTEGER, flag INTEGER, label TEXT)');
      await db.execute('INSERT INTO t VALUES ($1, $2, $3, $4)', ['a', 1, true, 'x']);
      await db.execute('INSERT INTO t VALUES ($2, $1, $3, $2)', [2, 'b', false]);
      expect(await db.execute('UPDATE t SET n = n + 10 WHERE id = $1', ['a', 'ignored'])).toBe(1);
      expect(await db.query('SELECT * FROM t ORDER BY id')).toEqual([
        { id: 'a', n: 11, flag: 1, label: 'x' },
        { id: 'b', n: 2, flag: 0, label: 'b' },
      ]);
      await expect(db.query('SELECT * FROM t WHERE id = $2', ['a'])).rejects.toThrow(/missing SQL parameter \$2/);
    } finally {
      await db.close();
    }
  });
});
