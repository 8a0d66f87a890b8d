// TEMPORARY: an in-memory model of the KurrentDB semantics the adapter relies on. Not committed.
import { Readable } from 'node:stream';
import { WrongExpectedVersionError, StreamNotFoundError } from '@kurrent/kurrentdb-client';

interface Rec { streamId: string; id: string; type: string; revision: bigint; data: string; metadata: string; created: Date; pos: bigint }
class Server {
  log: Rec[] = [];
  offset = 500n;
  listeners = new Set<(r: Rec) => void>();
  write(streamId: string, id: string, type: string, revision: bigint, data: unknown, metadata: unknown) {
    const rec: Rec = { streamId, id, type, revision, data: JSON.stringify(data), metadata: JSON.stringify(metadata), created: new Date(), pos: this.offset };
    this.offset += BigInt(80 + Math.floor(Math.random() * 200));
    this.log.push(rec);
    for (const l of this.listeners) l(rec);
    return rec;
  }
  noise() { this.write('$stats-1', crypto.randomUUID(), '$statsCollected', 0n, {}, {}); }
}
const server = new Server();

function resolvedOf(r: Rec) {
  const event = { streamId: r.streamId, id: r.id, isJson: true, revision: r.revision, type: r.type, created: new Date(r.created.getTime()), data: JSON.parse(r.data), metadata: JSON.parse(r.metadata), position: { commit: r.pos, prepare: r.pos } };
  return { event, commitPosition: r.pos };
}
function matches(filter: any, r: Rec) { return !filter || filter.prefixes.some((p: string) => r.streamId.startsWith(p)); }
async function* gen<T>(items: T[]) { await new Promise((r) => setImmediate(r)); for (const i of items) yield i; }

export class FakeClient {
  disposed = false;
  async appendToStream(name: string, events: any[], { streamState }: any) {
    await new Promise((r) => setTimeout(r, Math.random() * 3));
    if (Math.random() < 0.3) server.noise();
    const stream = server.log.filter((r) => r.streamId === name);
    const current = stream.length ? stream[stream.length - 1].revision : -1n;
    if (typeof streamState === 'bigint' && streamState < current) {
      const next = stream.slice(Number(streamState) + 1, Number(streamState) + 1 + events.length);
      if (next.length === events.length && next.every((r, i) => r.id === events[i].id)) return { success: true, nextExpectedRevision: next[next.length - 1].revision };
    }
    const ok = streamState === 'any' || (streamState === 'no_stream' ? current === -1n : streamState === current);
    if (!ok) throw new WrongExpectedVersionError(undefined, { streamName: name, expected: streamState, current: current === -1n ? 'no_stream' : current });
    let rev = current;
    let last: Rec | undefined;
    for (const e of events) last = server.write(name, e.id, e.type, ++rev, e.data, e.metadata);
    return { success: true, nextExpectedRevision: rev, position: { commit: last!.pos, prepare: last!.pos } };
  }
  readStream(name: string, { fromRevision = 'start', maxCount = Number.MAX_SAFE_INTEGER, direction = 'forwards' }: any = {}) {
    const stream = server.log.filter((r) => r.streamId === name);
    if (stream.length === 0) return (async function* () { await null; throw new StreamNotFoundError(undefined, name); })();
    let items = direction === 'forwards' ? stream.filter((r) => fromRevision === 'start' || r.revision >= fromRevision) : [...stream].reverse().filter((r) => fromRevision === 'end' || r.revision <= fromRevision);
    return gen(items.slice(0, Number(maxCount)).map(resolvedOf));
  }
  readAll({ fromPosition = 'start', maxCount = Number.MAX_SAFE_INTEGER, direction = 'forwards', filter }: any = {}) {
    let items: Rec[];
    if (direction === 'forwards') items = server.log.filter((r) => fromPosition === 'start' || r.pos >= fromPosition.commit);
    else items = [...server.log].reverse().filter((r) => fromPosition === 'end' || r.pos < fromPosition.commit);
    return gen(items.filter((r) => matches(filter, r)).slice(0, Number(maxCount)).map(resolvedOf));
  }
  subscribeToAll({ fromPosition, filter }: any) {
    if (fromPosition !== 'end') throw new Error('fake only supports END');
    const readable = new Readable({ objectMode: true, read() {} }) as any;
    const l = (r: Rec) => { if (matches(filter, r)) readable.push(resolvedOf(r)); };
    server.listeners.add(l);
    readable.unsubscribe = async () => { server.listeners.delete(l); };
    return readable;
  }
  async dispose() { this.disposed = true; }
}
