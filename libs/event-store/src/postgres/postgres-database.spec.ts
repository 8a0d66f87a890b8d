import { withLiterals } from './postgres-database';

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
