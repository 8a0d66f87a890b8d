import { replacePlaceholders } from './placeholders';

const numbered = (sql: string) => replacePlaceholders(sql, (index) => `?${index + 1}`);

describe('replacing $n placeholders', () => {
  it('replaces each placeholder, repeated or out of order', () => {
    expect(numbered('select $2, $1 where a = $1')).toBe('select ?2, ?1 where a = ?1');
  });

  it('leaves quoted strings and identifiers alone', () => {
    expect(numbered(`select '$1', 'it''s $2', "col$3" from t where a = $1`)).toBe(`select '$1', 'it''s $2', "col$3" from t where a = ?1`);
  });

  it("leaves comments alone, and an apostrophe in one does not hide the placeholders after it", () => {
    expect(numbered(`select $1 -- the room's $9\n from t where a = $2 /* it's $8 */ and b = $3`)).toBe(
      `select ?1 -- the room's $9\n from t where a = ?2 /* it's $8 */ and b = ?3`,
    );
  });
});
