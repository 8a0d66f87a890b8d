import { escapeLiteral } from 'pg';
import { replacePlaceholders } from '../internal/placeholders';
import type { SqlValue } from '../sql-database';

/** Writes a bulk transaction holds before sending them in one round trip. */
export const HELD_WRITES = 1000;

/**
 * Rows one multi-row insert takes: measured on PostgreSQL 15 here, 50–100 rows per statement inserted about 40,000
 * rows/s against 20,000–30,000 as one statement each; 250 and 1,000 were slower again.
 */
export const ROWS_PER_INSERT = 100;

/**
 * The statement with each `$n` replaced by its value as a quoted literal, which the server types from its context
 * exactly as it types node-postgres's parameters (sent as text of unknown type): `'42'` into a bigint column is 42.
 * Strings go through pg's escapeLiteral (quotes and backslashes), so message text cannot end the literal.
 */
export function withLiterals(sql: string, params: readonly SqlValue[]): string {
  return replacePlaceholders(sql, (index) => {
    if (index >= params.length) throw new RangeError(`missing SQL parameter $${index + 1}`);
    const value = params[index];
    if (value === null || value === undefined) return 'NULL';
    if (typeof value === 'number' && !Number.isFinite(value)) throw new RangeError(`SQL parameter $${index + 1} is not a finite number`);
    return escapeLiteral(String(value));
  });
}

/** A one-row insert cut at its row: `head (row) tail`. */
export interface RowInsert {
  head: string;
  row: string;
  tail: string;
}

// `insert into t [(columns)] values` with no placeholder, quote or parenthesis but the column list's
const INSERT_HEAD = /^\s*insert\s+into\s+[a-z_][\w.]*\s*(?:\([\w\s,]*\))?\s*values\s*$/i;
// nothing, or `on conflict [(columns)] do nothing`: the only conflict clause under which N one-row inserts and one
// N-row insert do the same (a DO UPDATE may not touch a row twice in one statement; RETURNING answers per statement)
const INSERT_TAIL = /^\s*(?:on\s+conflict\s*(?:\([\w\s,]*\))?\s*do\s+nothing\s*)?;?\s*$/i;

/**
 * The statement cut at its row when it is a plain one-row insert, so that consecutive copies of it can go as one
 * multi-row insert; null for anything else (which is then sent as it is).
 */
export function rowInsertShape(sql: string): RowInsert | null {
  const open = sql.indexOf('(', sql.search(/\svalues\s*\(/i) + 1);
  if (open < 0 || !INSERT_HEAD.test(sql.slice(0, open))) return null;
  const close = matchingParenthesis(sql, open);
  if (close < 0) return null;
  const tail = sql.slice(close + 1);
  if (!INSERT_TAIL.test(tail)) return null;
  return { head: sql.slice(0, open), row: sql.slice(open, close + 1), tail: tail.replace(/;\s*$/, '') };
}

/** the index of the `)` closing the `(` at `open`, skipping quoted text; -1 when there is none */
function matchingParenthesis(sql: string, open: number): number {
  let depth = 0;
  for (let i = open; i < sql.length; i++) {
    const c = sql[i];
    if (c === "'" || c === '"') {
      // a quote inside quoted text is doubled, which this loop reads as the text ending and starting again
      const end = sql.indexOf(c, i + 1);
      if (end < 0) return -1;
      i = end;
    } else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  return -1;
}

/**
 * The writes a PostgreSQL bulk transaction holds, as the text of one multi-statement query. Consecutive copies of one
 * plain insert become one multi-row insert (up to ROWS_PER_INSERT rows): a rebuild writes mostly such inserts, and
 * PostgreSQL's cost per statement, not per row, was most of its time. Order is kept: any other statement ends the run.
 */
export class HeldWrites {
  private readonly statements: string[] = [];
  private run?: { sql: string; shape: RowInsert; rows: string[] };
  private writes = 0;

  /** writes held (rows of a multi-row insert count one each) */
  get size(): number {
    return this.writes;
  }

  add(sql: string, params: readonly SqlValue[]): void {
    this.writes += 1;
    const shape = shapeOf(sql);
    if (!shape) {
      this.endRun();
      this.statements.push(withLiterals(sql, params));
      return;
    }
    if (this.run && (this.run.sql !== sql || this.run.rows.length >= ROWS_PER_INSERT)) this.endRun();
    this.run ??= { sql, shape, rows: [] };
    this.run.rows.push(withLiterals(shape.row, params));
  }

  /** a write already in its final text (its values as literals), held in order like the others */
  addWriteText(sql: string): void {
    this.writes += 1;
    this.addText(sql);
  }

  /** a statement that must go as it is, after everything held (BEGIN, a query, COMMIT) */
  addText(sql: string): void {
    this.endRun();
    this.statements.push(sql);
  }

  /** everything held, as one query text, and nothing held afterwards; '' when nothing is held */
  take(): string {
    this.endRun();
    const text = this.statements.join(';\n');
    this.statements.length = 0;
    this.writes = 0;
    return text;
  }

  clear(): void {
    this.run = undefined;
    this.statements.length = 0;
    this.writes = 0;
  }

  private endRun(): void {
    if (!this.run) return;
    const { shape, rows } = this.run;
    this.statements.push(`${shape.head}${rows.join(', ')}${shape.tail}`);
    this.run = undefined;
  }
}

/** shapes by statement text: statements are few and fixed, but a text built per call must not grow this forever */
const shapes = new Map<string, RowInsert | null>();

function shapeOf(sql: string): RowInsert | null {
  let shape = shapes.get(sql);
  if (shape === undefined) {
    if (shapes.size >= 256) shapes.clear();
    shape = rowInsertShape(sql);
    shapes.set(sql, shape);
  }
  return shape;
}
