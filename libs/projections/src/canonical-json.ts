/**
 * JSON text for a read model's column, with every object's keys in sorted order. An event's data reaches a live
 * projection in the order it was built, but a rebuild reads it back from the log, and PostgreSQL's jsonb hands keys
 * back in its own order: stored with JSON.stringify, one event would give two texts, and a rebuilt read model would
 * not be the live one.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, (v as Record<string, unknown>)[k]]))
      : v,
  );
}
