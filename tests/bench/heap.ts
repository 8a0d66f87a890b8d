/** Compares two V8 heap snapshots by node type and name (constructor, closure, string...): what grew, per item. */
import { readFileSync } from 'node:fs';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: (string[] | string)[] } };
  nodes: number[];
  strings: string[];
}

export interface HeapGroup {
  what: string;
  count: number;
  selfBytes: number;
}

export function heapGroups(path: string): Map<string, HeapGroup> {
  const snapshot = JSON.parse(readFileSync(path, 'utf8')) as Snapshot;
  const fields = snapshot.snapshot.meta.node_fields;
  const types = snapshot.snapshot.meta.node_types[0] as string[];
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const groups = new Map<string, HeapGroup>();
  for (let i = 0; i < snapshot.nodes.length; i += width) {
    const type = types[snapshot.nodes[i + typeAt]];
    const rawName = snapshot.strings[snapshot.nodes[i + nameAt]];
    // strings and numbers are grouped by type only; objects and closures by constructor / function name
    const name = type === 'string' || type === 'number' || type === 'concatenated string' || type === 'sliced string' ? '' : rawName.slice(0, 60);
    const what = `${type}${name ? ` ${name}` : ''}`;
    const group = groups.get(what) ?? { what, count: 0, selfBytes: 0 };
    group.count += 1;
    group.selfBytes += snapshot.nodes[i + sizeAt];
    groups.set(what, group);
  }
  return groups;
}

/** The groups that grew most between two snapshots, per `per` items (e.g. connections). */
export function heapGrowth(beforePath: string, afterPath: string, per: number, top = 15): HeapGroup[] {
  const before = heapGroups(beforePath);
  const after = heapGroups(afterPath);
  return [...after.values()]
    .map((g) => {
      const b = before.get(g.what);
      return { what: g.what, count: (g.count - (b?.count ?? 0)) / per, selfBytes: (g.selfBytes - (b?.selfBytes ?? 0)) / per };
    })
    .sort((x, y) => y.selfBytes - x.selfBytes)
    .slice(0, top);
}
