/** a quoted string or identifier (left alone), or a `$n` placeholder */
const PLACEHOLDER = /'(?:[^']|'')*'|"(?:[^"]|"")*"|\$(\d+)/g;

/** Replaces each `$n` placeholder outside quoted text with `replace(n - 1)` (the index into the parameters). */
export function replacePlaceholders(sql: string, replace: (index: number) => string): string {
  return sql.replace(PLACEHOLDER, (match, index: string | undefined) => (index === undefined ? match : replace(Number(index) - 1)));
}
