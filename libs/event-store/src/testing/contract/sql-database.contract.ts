import type { Storage } from '../../open-storage';
import { RowCountMismatchError } from '../../sql-database';
import type { ContractHarness } from './contract-harness';

async function withNotes(harness: ContractHarness): Promise<Storage> {
  const storage = await harness.fresh();
  await storage.sql.execute('CREATE TABLE contract_notes (id TEXT PRIMARY KEY, body TEXT NOT NULL, rank BIGINT NOT NULL)');
  return storage;
}

const countNotes = async ({ sql }: Storage): Promise<number> =>
  (await sql.query<{ n: number }>('SELECT COUNT(*) AS n FROM contract_notes'))[0].n;

export function sqlDatabaseContract(harness: ContractHarness): void {
  describe('SqlDatabase beside the events', () => {
    it('binds $n placeholders by number, reused and out of order, and leaves quoted text alone', async () => {
      const { sql } = await withNotes(harness);
      expect(await sql.execute('INSERT INTO contract_notes (id, body, rank) VALUES ($1, $2, $3)', ['n1', 'costs $1', 5])).toBe(1);
      await sql.execute('INSERT INTO contract_notes (id, body, rank) VALUES ($2, $1, $3)', ['second', 'n2', 7]);
      const rows = await sql.query<{ id: string; body: string; rank: number; literal: string }>(
        "SELECT id, body, rank, '$1' AS literal FROM contract_notes WHERE rank >= $1 AND id <> $2 AND rank < $1 + 10 ORDER BY id",
        [5, 'none'],
      );
      expect(rows).toEqual([
        { id: 'n1', body: 'costs $1', rank: 5, literal: '$1' },
        { id: 'n2', body: 'second', rank: 7, literal: '$1' },
      ]);
      expect(await sql.execute('UPDATE contract_notes SET rank = rank + 1')).toBe(2);
      expect(await countNotes({ sql } as Storage)).toBe(2);
    });

    it('commits a transaction when fn resolves and returns its value', async () => {
      const storage = await withNotes(harness);
      const value = await storage.sql.transaction(async (tx) => {
        await tx.execute('INSERT INTO contract_notes (id, body, rank) VALUES ($1, $2, $3)', ['t1', 'in tx', 1]);
        const inside = await tx.query<{ n: number }>('SELECT COUNT(*) AS n FROM contract_notes');
        return inside[0].n;
      });
      expect(value).toBe(1);
      expect(await countNotes(storage)).toBe(1);
    });

    it('commits a transaction that need not wait for its disk flush (read models) like any other', async () => {
      const storage = await withNotes(harness);
      await storage.sql.transaction(
        (tx) => tx.execute('INSERT INTO contract_notes (id, body, rank) VALUES ($1, $2, $3)', ['d1', 'derived', 1]),
        { durable: false },
      );
      expect(await countNotes(storage)).toBe(1);
      // the setting is local to that transaction (PostgreSQL's SET LOCAL): the next statement is durable again
      if (storage.sql.dialect === 'postgres') {
        expect(await storage.sql.query('SHOW synchronous_commit')).toEqual([{ synchronous_commit: 'on' }]);
      }
    });

    it('rolls a transaction back when fn throws, leaving none of its rows', async () => {
      const storage = await withNotes(harness);
      const failure = new Error('changed my mind');
      await expect(
        storage.sql.transaction(async (tx) => {
          await tx.execute('INSERT INTO contract_notes (id, body, rank) VALUES ($1, $2, $3)', ['r1', 'gone', 1]);
          await tx.execute('INSERT INTO contract_notes (id, body, rank) VALUES ($1, $2, $3)', ['r2', 'gone', 2]);
          throw failure;
        }),
      ).rejects.toBe(failure);
      expect(await countNotes(storage)).toBe(0);
    });

    it('keeps concurrent transactions apart: one rolling back does not undo the other', async () => {
      const storage = await withNotes(harness);
      const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
      const [committed, rolledBack] = await Promise.allSettled([
        storage.sql.transaction(async (tx) => {
          await tx.execute('INSERT INTO contract_notes (id, body, rank) VALUES ($1, $2, $3)', ['keep', 'kept', 1]);
          await tick();
          await tx.execute('UPDATE contract_notes SET rank = $1 WHERE id = $2', [2, 'keep']);
        }),
        storage.sql.transaction(async (tx) => {
          await tick();
          await tx.execute('INSERT INTO contract_notes (id, body, rank) VALUES ($1, $2, $3)', ['drop', 'dropped', 1]);
          await tick();
          throw new Error('abort');
        }),
        storage.sql.execute('INSERT INTO contract_notes (id, body, rank) VALUES ($1, $2, $3)', ['plain', 'outside', 3]),
      ]);
      expect(committed.status).toBe('fulfilled');
      expect(rolledBack.status).toBe('rejected');
      const rows = await storage.sql.query<{ id: string; rank: number }>('SELECT id, rank FROM contract_notes ORDER BY id');
      expect(rows).toEqual([
        { id: 'keep', rank: 2 },
        { id: 'plain', rank: 3 },
      ]);
    });

    it('bulkTransaction: writes land in order, are seen by its queries, and store any text exactly as parameters do', async () => {
      const storage = await withNotes(harness);
      await storage.sql.execute('CREATE TABLE contract_values (id TEXT PRIMARY KEY, body TEXT, rank BIGINT, flag BOOLEAN)');
      const hostile = [
        "it's", 'back\\slash \\', "'); DROP TABLE contract_notes; --", '$1 and $2', '"quoted"', 'line\nbreak\ttab',
        'ünïcødé, 漢字, 🙂', "E'not an escape'", '',
      ];
      const total = 2500; // more than one batch of held writes
      const result = await storage.sql.bulkTransaction(async (tx) => {
        for (let i = 0; i < total; i++) {
          await tx.execute('INSERT INTO contract_notes (id, body, rank) VALUES ($1, $2, $3)', [`b${i}`, hostile[i % hostile.length], i]);
        }
        await tx.execute('UPDATE contract_notes SET rank = rank + $2 WHERE id = $1', ['b0', 1000]);
        await tx.execute('INSERT INTO contract_values (id, body, rank, flag) VALUES ($1, $2, $3, $4), ($5, $6, $7, $8)', [
          'v1', null, -42, true, 'v2', 'x', 2 ** 40, false,
        ]);
        const seen = await tx.query<{ n: number | string }>('SELECT COUNT(*) AS n FROM contract_notes');
        await tx.execute('DELETE FROM contract_notes WHERE id = $1', ['b1']);
        return Number(seen[0].n);
      });
      expect(result).toBe(total);
      expect(await countNotes(storage)).toBe(total - 1);
      const bodies = await storage.sql.query<{ id: string; body: string; rank: number | string }>(
        'SELECT id, body, rank FROM contract_notes WHERE id IN ($1, $2, $3, $4, $5, $6, $7, $8, $9) ORDER BY rank',
        ['b0', 'b2', 'b3', 'b4', 'b5', 'b6', 'b7', 'b8', 'b9'],
      );
      expect(bodies.map((row) => row.body)).toEqual([...hostile.slice(2), hostile[0], hostile[0]]); // b9, then b0 (rank 1000)
      expect(Number(bodies[bodies.length - 1].rank)).toBe(1000);
      const values = await storage.sql.query<{ id: string; body: string | null; rank: number | string; flag: unknown }>(
        'SELECT id, body, rank, flag FROM contract_values ORDER BY id',
      );
      expect(values.map((row) => [row.id, row.body, Number(row.rank), row.flag === true || row.flag === 1])).toEqual([
        ['v1', null, -42, true],
        ['v2', 'x', 2 ** 40, false],
      ]);
    });

    it('bulkTransaction: runs of one insert (which PostgreSQL sends as multi-row inserts) keep one-row semantics and order', async () => {
      const storage = await withNotes(harness);
      const insert = `INSERT INTO contract_notes (id, body, rank) VALUES ($1, coalesce($2, '(none)'), $3) ON CONFLICT (id) DO NOTHING`;
      await storage.sql.bulkTransaction(async (tx) => {
        for (let i = 0; i < 250; i++) await tx.execute(insert, [`r${i % 200}`, i % 3 === 0 ? null : `body ${i}`, i]); // r0–r49 twice
        await tx.execute('UPDATE contract_notes SET body = $2 WHERE id = $1', ['r7', 'updated after its insert']);
        await tx.execute(insert, ['r7', 'a duplicate after the update', 7]);
        await tx.execute(insert, ['r200', "it's (in parentheses)", 200]);
        await tx.execute('UPDATE contract_notes SET rank = rank + 1000 WHERE id = $1', ['r200']);
      });
      expect(await countNotes(storage)).toBe(201);
      const rows = await storage.sql.query<{ id: string; body: string; rank: number | string }>(
        'SELECT id, body, rank FROM contract_notes WHERE id IN ($1, $2, $3, $4, $5) ORDER BY id',
        ['r0', 'r1', 'r7', 'r200', 'r49'],
      );
      expect(rows.map((row) => [row.id, row.body, Number(row.rank)])).toEqual([
        ['r0', '(none)', 0], // the first of r0's two inserts won
        ['r1', 'body 1', 1],
        ['r200', "it's (in parentheses)", 1200],
        ['r49', 'body 49', 49],
        ['r7', 'updated after its insert', 7],
      ]);
    });

    it('bulkTransaction: a failing write rolls all of it back, the writes before it included', async () => {
      const storage = await withNotes(harness);
      await expect(
        storage.sql.bulkTransaction(async (tx) => {
          for (let i = 0; i < 10; i++) await tx.execute('INSERT INTO contract_notes (id, body, rank) VALUES ($1, $2, $3)', [`f${i}`, 'x', i]);
          await tx.execute('INSERT INTO contract_notes (id, body, rank) VALUES ($1, $2, $3)', ['f3', 'duplicate key', 3]);
          await tx.flush();
        }),
        // by message, not toThrow(): SQLite's error class may come from another realm (the native addon is loaded once)
      ).rejects.toHaveProperty('message', expect.stringMatching(/UNIQUE|duplicate key/i));
      expect(await countNotes(storage)).toBe(0);
      // the connection is usable afterwards
      await storage.sql.execute('INSERT INTO contract_notes (id, body, rank) VALUES ($1, $2, $3)', ['after', 'fine', 1]);
      expect(await countNotes(storage)).toBe(1);
    });

    it('bulkTransaction: executeExpecting commits with the writes around it when it changes exactly that many rows', async () => {
      const storage = await withNotes(harness);
      await storage.sql.execute('INSERT INTO contract_notes (id, body, rank) VALUES ($1, $2, $3), ($4, $5, $6)', ['a', 'x', 1, 'b', 'y', 2]);
      await storage.sql.bulkTransaction(async (tx) => {
        await tx.execute('INSERT INTO contract_notes (id, body, rank) VALUES ($1, $2, $3)', ['before', "it's first", 0]);
        await tx.executeExpecting('UPDATE contract_notes SET rank = $1 WHERE rank < $1 AND id IN ($2, $3)', [5, 'a', 'b'], 2);
        await tx.execute('INSERT INTO contract_notes (id, body, rank) VALUES ($1, $2, $3)', ['after', 'last', 9]);
      }, { durable: false });
      const rows = await storage.sql.query<{ id: string; rank: number | string }>('SELECT id, rank FROM contract_notes ORDER BY id');
      expect(rows.map((row) => [row.id, Number(row.rank)])).toEqual([['a', 5], ['after', 9], ['b', 5], ['before', 0]]);
      // alone in its transaction, it is still sent and committed
      await storage.sql.bulkTransaction((tx) => tx.executeExpecting('DELETE FROM contract_notes WHERE id = $1', ['after'], 1));
      expect(await countNotes(storage)).toBe(3);
    });

    it('bulkTransaction: executeExpecting changing another number of rows fails it with RowCountMismatchError, nothing committed', async () => {
      const storage = await withNotes(harness);
      await storage.sql.execute('INSERT INTO contract_notes (id, body, rank) VALUES ($1, $2, $3), ($4, $5, $6)', ['a', 'x', 1, 'b', 'y', 7]);
      const attempt = storage.sql.bulkTransaction(async (tx) => {
        await tx.execute('INSERT INTO contract_notes (id, body, rank) VALUES ($1, $2, $3)', ['before', 'held', 0]);
        // 'b' is already at 7: one row changes, not two
        await tx.executeExpecting('UPDATE contract_notes SET rank = $1 WHERE rank < $1 AND id IN ($2, $3)', [5, 'a', 'b'], 2);
        await tx.execute('INSERT INTO contract_notes (id, body, rank) VALUES ($1, $2, $3)', ['after', 'held', 9]);
      });
      await expect(attempt).rejects.toBeInstanceOf(RowCountMismatchError);
      await expect(attempt).rejects.toHaveProperty('message', expect.stringMatching(/expected 2 changed rows, 1 changed/));
      const rows = await storage.sql.query<{ id: string; rank: number | string }>('SELECT id, rank FROM contract_notes ORDER BY id');
      expect(rows.map((row) => [row.id, Number(row.rank)])).toEqual([['a', 1], ['b', 7]]);
      // a query after it in the same transaction fails with it too, and the connection is usable afterwards
      await expect(
        storage.sql.bulkTransaction(async (tx) => {
          await tx.executeExpecting('UPDATE contract_notes SET rank = 0 WHERE id = $1', ['nobody'], 1);
          return tx.query('SELECT id FROM contract_notes');
        }),
      ).rejects.toBeInstanceOf(RowCountMismatchError);
      await storage.sql.execute('INSERT INTO contract_notes (id, body, rank) VALUES ($1, $2, $3)', ['c', 'fine', 1]);
      expect(await countNotes(storage)).toBe(3);
    });

    it('bulkTransaction: a query first (as a live projection claims), writes, then the commit; also not durable, and empty', async () => {
      const storage = await withNotes(harness);
      await storage.sql.execute('INSERT INTO contract_notes (id, body, rank) VALUES ($1, $2, $3)', ['claim', 'row', 1]);
      const claimed = await storage.sql.bulkTransaction(
        async (tx) => {
          const rows = await tx.query<{ id: string }>('UPDATE contract_notes SET rank = $1 WHERE rank < $1 AND id IN ($2, $3) RETURNING id', [
            7,
            'claim',
            'other',
          ]);
          await tx.execute('INSERT INTO contract_notes (id, body, rank) VALUES ($1, $2, $3)', ['w1', "it's written", 7]);
          return rows.map((row) => row.id);
        },
        { durable: false },
      );
      expect(claimed).toEqual(['claim']);
      const rows = await storage.sql.query<{ id: string; rank: number | string }>('SELECT id, rank FROM contract_notes ORDER BY id');
      expect(rows.map((row) => [row.id, Number(row.rank)])).toEqual([
        ['claim', 7],
        ['w1', 7],
      ]);
      if (storage.sql.dialect === 'postgres') {
        expect(await storage.sql.query('SHOW synchronous_commit')).toEqual([{ synchronous_commit: 'on' }]);
      }
      // nothing written, nothing to commit; the database is usable after it
      expect(await storage.sql.bulkTransaction(async () => 'nothing')).toBe('nothing');
      expect(await countNotes(storage)).toBe(2);
    });
  });
}
