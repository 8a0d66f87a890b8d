/**
 * A quoted string or identifier, or a comment (each left alone: an apostrophe in a comment is no quote), or a `$n`
 * placeholder.
 */
const PLACEHOLDER = /'(?:[^']|'')*'|"(?:[^"]|"")*"|--[^\n]*|\/\*[\s\S]*?\*\/|\$(\d+)/g;

/** Replaces each `$n` placeholder outside quoted text and comments with `replace(n - 1)` (the index into the parameters). */
export function replacePlaceholders(sql: string, replace: (index: number) => string): string {
  return sql.replace(PLACEHOLDER, (match, index: string | undefined) => (index === undefined ? match : replace(Number(index) - 1)));
}
