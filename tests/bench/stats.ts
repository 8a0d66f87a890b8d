/** Small numeric helpers and the markdown result table. Nothing here asserts speed: it only reports. */

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))];
}

export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export function summarize(samples: readonly number[]): LatencySummary {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.length === 0 ? Number.NaN : sorted[sorted.length - 1],
  };
}

export function formatNumber(value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return 'n/a';
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  const abs = Math.abs(value);
  if (abs >= 1000) return Math.round(value).toLocaleString('en-US');
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

/** A target from the issue: the ratio product/baseline must be at most (latency, memory) or at least (throughput) `value`. */
export interface Target {
  op: '<=' | '>=' | '==';
  value: number;
}

export interface ResultRow {
  figure: string;
  metric: string;
  unit: string;
  product: number | null;
  baseline: number | null;
  /** overrides product/baseline (e.g. a reach, which is compared with 1.0 exactly) */
  ratio?: number | null;
  target?: Target;
  /** prefix shown before a number, e.g. '≥' when a step-up reached its cap */
  productPrefix?: string;
  baselinePrefix?: string;
  /** show the numbers exactly (a reach of 0.99996 must not read 1.00) */
  exact?: boolean;
  /** a verdict not derived from the ratio (e.g. reach: both sides must be exactly 1.0) */
  met?: boolean;
  targetLabel?: string;
  note?: string;
}

export function ratioOf(row: ResultRow): number | null {
  if (row.ratio !== undefined) return row.ratio;
  if (row.product === null || row.baseline === null || row.baseline === 0) return null;
  return row.product / row.baseline;
}

export function verdict(row: ResultRow): string {
  if (row.met !== undefined) return row.met ? 'met' : '**MISSED**';
  if (!row.target) return '';
  const ratio = ratioOf(row);
  if (ratio === null || Number.isNaN(ratio)) return 'n/a';
  const { op, value } = row.target;
  const met = op === '<=' ? ratio <= value : op === '>=' ? ratio >= value : ratio === value;
  return met ? 'met' : '**MISSED**';
}

export function targetText(target: Target | undefined): string {
  if (!target) return '';
  return `${target.op === '==' ? '=' : target.op === '<=' ? '≤' : '≥'} ${target.value}x`;
}

export function ratioText(ratio: number | null, target?: Target): string {
  if (ratio === null || Number.isNaN(ratio)) return 'n/a';
  if (ratio !== 0 && Math.abs(ratio) < 0.01) return `${ratio.toPrecision(2)}x`;
  const text = ratio >= 100 ? ratio.toFixed(0) : ratio.toFixed(2);
  // more digits when rounding would hide which side of the target the ratio is on (0.4996 is not 0.50)
  if (target && text === target.value.toFixed(2) && ratio !== target.value) return `${ratio.toFixed(4)}x`;
  return `${text}x`;
}

const escapeCell = (text: string): string => text.replace(/\|/g, '\\|');

export function markdownTable(rows: readonly ResultRow[]): string {
  const header = '| # | Figure | Product | Baseline | Ratio (product/baseline) | Target | Verdict | Notes |';
  const rule = '|---|---|---:|---:|---:|---|---|---|';
  const lines = rows.map((row) => {
    const unit = row.unit ? ` ${row.unit}` : '';
    const show = (value: number | null) => (row.exact && value !== null ? String(value) : formatNumber(value));
    const product = `${row.productPrefix ?? ''}${show(row.product)}${row.product === null ? '' : unit}`;
    const baseline = `${row.baselinePrefix ?? ''}${show(row.baseline)}${row.baseline === null ? '' : unit}`;
    return `| ${row.figure} | ${escapeCell(row.metric)} | ${product} | ${baseline} | ${ratioText(ratioOf(row), row.target)} | ${row.targetLabel ?? targetText(row.target)} | ${verdict(row)} | ${escapeCell(row.note ?? '')} |`;
  });
  return [header, rule, ...lines].join('\n');
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export const nowMs = (): number => performance.now();

/** Runs `work` for each item with at most `limit` in flight. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index], index);
    }
  });
  await Promise.all(lanes);
  return results;
}
