import { HeldWrites, ROWS_PER_INSERT, rowInsertShape, withLiterals } from './held-writes';

describe('withLiterals (bulk writes on PostgreSQL)', () => {
  it('puts each value in as a quoted literal, reused and out of order, and leaves quoted SQL text alone', () => {
    expect(withLiterals(`INSERT INTO t VALUES ($2, $1, $2, '$1', "$3")`, ['a', 7])).toBe(`INSERT INTO t VALUES ('7', 'a', '7', '$1', "$3")`);
  });

  it('escapes quotes and backslashes so that text cannot end its literal', () => {
    expect(withLiterals('SELECT $1', ["'); DROP TABLE t; --"])).toBe(`SELECT '''); DROP TABLE t; --'`);
    // pg's escapeLiteral writes a string with backslashes as E'...' (with a leading space) and doubles them
    expect(withLiterals('SELECT $1', ['back\\slash'])).toBe(`SELECT  E'back\\\\slash'`);
  });

  it('writes null as NULL and booleans and big integers as pg sends them', () => {
    expect(withLiterals('SELECT $1, $2, $3, $4', [null, true, false, 2n ** 70n])).toBe(`SELECT NULL, 'true', 'false', '1180591620717411303424'`);
  });

  it('refuses a missing parameter and a number PostgreSQL cannot take', () => {
    expect(() => withLiterals('SELECT $1, $2', ['only one'])).toThrow(/missing SQL parameter \$2/);
    expect(() => withLiterals('SELECT $1', [Number.NaN])).toThrow(/not a finite number/);
  });
});

const INSERT = `insert into room_messages values ($1, $2, $3, null, 0) on conflict (room_id, message_id) do nothing`;

describe('rowInsertShape: which statements may become one multi-row insert', () => {
  it('cuts a plain one-row insert at its row, with or without a column list and a do-nothing conflict clause', () => {
    expect(rowInsertShape(INSERT)).toEqual({
      head: 'insert into room_messages values ',
      row: '($1, $2, $3, null, 0)',
      tail: ' on conflict (room_id, message_id) do nothing',
    });
    expect(rowInsertShape(`INSERT INTO t (a, b)\n VALUES (coalesce($1, ')'), '(it''s)');`)).toEqual({
      head: 'INSERT INTO t (a, b)\n VALUES ',
      row: `(coalesce($1, ')'), '(it''s)')`,
      tail: '',
    });
  });

  it('leaves alone every statement a multi-row insert would change', () => {
    for (const sql of [
      'insert into t values ($1) on conflict (a) do update set b = excluded.b', // may not touch a row twice
      'insert into t values ($1) returning id', // answers per statement
      'insert into t values ($1), ($2)',
      'insert into t select $1',
      'insert into t values ($1) on conflict (a) do nothing; delete from t',
      'update t set a = $1',
      "insert into t values ('unterminated)",
      'insert into t values ($1',
    ]) {
      expect(rowInsertShape(sql)).toBeNull();
    }
  });
});

describe('HeldWrites: the text a PostgreSQL bulk transaction sends', () => {
  it('joins consecutive copies of one insert into multi-row inserts of at most ROWS_PER_INSERT rows, in order', () => {
    const held = new HeldWrites();
    held.addText('BEGIN');
    for (let i = 0; i < ROWS_PER_INSERT + 2; i++) held.add(INSERT, ['r', `m${i}`, i]);
    held.add('update room_messages set text = $2 where message_id = $1', ['m0', "it's"]);
    held.add(INSERT, ['r', 'late', 999]);
    expect(held.size).toBe(ROWS_PER_INSERT + 4);
    const statements = held.take().split(';\n');
    expect(statements.map((s) => s.split(' ').slice(0, 3).join(' '))).toEqual([
      'BEGIN',
      'insert into room_messages',
      'insert into room_messages',
      'update room_messages set',
      'insert into room_messages',
    ]);
    expect(statements[1]).toBe(
      `insert into room_messages values ${Array.from({ length: ROWS_PER_INSERT }, (_, i) => `('r', 'm${i}', '${i}', null, 0)`).join(', ')} on conflict (room_id, message_id) do nothing`,
    );
    expect(statements[2]).toBe(
      `insert into room_messages values ('r', 'm${ROWS_PER_INSERT}', '${ROWS_PER_INSERT}', null, 0), ('r', 'm${ROWS_PER_INSERT + 1}', '${ROWS_PER_INSERT + 1}', null, 0) on conflict (room_id, message_id) do nothing`,
    );
    expect(statements[3]).toBe(`update room_messages set text = 'it''s' where message_id = 'm0'`);
    expect(statements[4]).toBe(`insert into room_messages values ('r', 'late', '999', null, 0) on conflict (room_id, message_id) do nothing`);
    expect(held.take()).toBe('');
    expect(held.size).toBe(0);
  });

  it('does not join two different inserts, nor an insert across a statement given as text', () => {
    const held = new HeldWrites();
    held.add('insert into a values ($1)', [1]);
    held.add('insert into b values ($1)', [2]);
    held.addText('SELECT 1');
    held.add('insert into b values ($1)', [3]);
    expect(held.take()).toBe(`insert into a values ('1');\ninsert into b values ('2');\nSELECT 1;\ninsert into b values ('3')`);
  });
});
