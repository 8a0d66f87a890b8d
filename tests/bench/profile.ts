/** Summarises a V8 .cpuprofile (what `node --cpu-prof` writes) into where the time went. */

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** Which part of the system a frame belongs to: a package, one of our libs, node itself, or V8's bookkeeping. */
export function area(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const ours = /\/dist\/(libs\/[a-z-]+|apps\/[a-z-]+)\//.exec(url);
  if (ours) return ours[1].replace(/^libs\//, '@haven/');
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (pkg) return pkg[1];
  if (url.startsWith('node:')) return 'node internals';
  return url;
}

const shortUrl = (url: string): string =>
  url.replace(/^file:\/\//, '').replace(/^.*\/node_modules\//, '').replace(/^.*\/dist\//, 'dist/');

export interface ProfileSummary {
  totalMs: number;
  byArea: { area: string; selfMs: number; share: number }[];
  bySelf: { fn: string; where: string; selfMs: number; share: number }[];
  /** inclusive time of our own functions (self + everything they called), merged by name; recursion not de-duplicated */
  ours: { fn: string; where: string; totalMs: number; share: number }[];
}

export function summarizeProfile(profile: CpuProfile, top = 15): ProfileSummary {
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000));
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const totalMs = [...self.values()].reduce((a, b) => a + b, 0);
  const idleMs = profile.nodes.filter((n) => n.callFrame.functionName === '(idle)').reduce((sum, n) => sum + (self.get(n.id) ?? 0), 0);
  const busyMs = totalMs - idleMs;

  const areas = new Map<string, number>();
  const functions = new Map<string, { fn: string; where: string; selfMs: number }>();
  for (const node of profile.nodes) {
    const ms = self.get(node.id) ?? 0;
    if (ms === 0) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const a = area(url, functionName);
    areas.set(a, (areas.get(a) ?? 0) + ms);
    const fn = functionName || '(anonymous)';
    const where = url ? `${shortUrl(url)}:${lineNumber + 1}` : '';
    const key = `${fn}@${where}`;
    const entry = functions.get(key) ?? { fn, where, selfMs: 0 };
    entry.selfMs += ms;
    functions.set(key, entry);
  }

  // inclusive time per node, children first
  const inclusive = new Map<number, number>();
  const visit = (id: number): number => {
    const cached = inclusive.get(id);
    if (cached !== undefined) return cached;
    const node = byId.get(id)!;
    const total = (self.get(id) ?? 0) + (node.children ?? []).reduce((sum, child) => sum + visit(child), 0);
    inclusive.set(id, total);
    return total;
  };
  for (const node of profile.nodes) visit(node.id);
  // a function's inclusive time counted once per call path: skip nodes whose ancestor is the same function
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const sameAbove = (node: ProfileNode): boolean => {
    for (let up = parent.get(node.id); up !== undefined; up = parent.get(up)) {
      const frame = byId.get(up)!.callFrame;
      if (frame.functionName === node.callFrame.functionName && frame.url === node.callFrame.url) return true;
    }
    return false;
  };
  const oursMap = new Map<string, { fn: string; where: string; totalMs: number }>();
  for (const node of profile.nodes) {
    const { functionName, url, lineNumber } = node.callFrame;
    if (!/\/dist\/(libs|apps)\//.test(url) || !functionName || sameAbove(node)) continue;
    const where = `${shortUrl(url)}:${lineNumber + 1}`;
    const key = `${functionName}@${where}`;
    const entry = oursMap.get(key) ?? { fn: functionName, where, totalMs: 0 };
    entry.totalMs += inclusive.get(node.id) ?? 0;
    oursMap.set(key, entry);
  }

  const share = (ms: number) => (busyMs > 0 ? ms / busyMs : 0);
  return {
    totalMs: busyMs,
    byArea: [...areas]
      .filter(([a]) => a !== '(idle)')
      .map(([a, ms]) => ({ area: a, selfMs: ms, share: share(ms) }))
      .sort((x, y) => y.selfMs - x.selfMs)
      .slice(0, top),
    bySelf: [...functions.values()]
      .filter((f) => f.fn !== '(idle)')
      .map((f) => ({ ...f, share: share(f.selfMs) }))
      .sort((x, y) => y.selfMs - x.selfMs)
      .slice(0, top),
    ours: [...oursMap.values()]
      .map((f) => ({ ...f, share: share(f.totalMs) }))
      .sort((x, y) => y.totalMs - x.totalMs)
      .slice(0, top),
  };
}

export function profileMarkdown(summary: ProfileSummary): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const ms = (x: number) => `${Math.round(x)} ms`;
  return [
    `Busy (non-idle) CPU time sampled in the app: ${ms(summary.totalMs)}.`,
    '',
    'Self time by area:',
    '',
    '| Area | Self time | Share of busy time |',
    '|---|---:|---:|',
    ...summary.byArea.map((a) => `| ${a.area} | ${ms(a.selfMs)} | ${pct(a.share)} |`),
    '',
    'Top functions by self time:',
    '',
    '| Function | Where | Self time | Share |',
    '|---|---|---:|---:|',
    ...summary.bySelf.map((f) => `| \`${f.fn}\` | ${f.where} | ${ms(f.selfMs)} | ${pct(f.share)} |`),
    '',
    "Haven's own functions by inclusive time (self + callees):",
    '',
    '| Function | Where | Inclusive time | Share |',
    '|---|---|---:|---:|',
    ...summary.ours.map((f) => `| \`${f.fn}\` | ${f.where} | ${ms(f.totalMs)} | ${pct(f.share)} |`),
  ].join('\n');
}
