/**
 * JSON text with every object's keys in sorted order. An event's data reaches a live projection (and a decider's fold)
 * in the order it was built, but a rebuild reads it back from the log, and PostgreSQL's jsonb hands keys back in its
 * own order: with JSON.stringify, one event would give two texts, a rebuilt read model would not be the live one, and
 * a comparison of the same value would say it changed. For read models' columns and for deciders comparing values.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, (v as Record<string, unknown>)[k]]))
      : v,
  );
}
