import { readFileSync } from 'node:fs';
import { Parser } from '@asyncapi/parser';
import { join } from 'node:path';
import type { AppProcess } from '../support/app-process';
import { connect } from '../support/sockets';
import { oneAppPerFile } from './rooms/rooms-helpers';

/*
 * GET /asyncapi.json: the socket.io protocol as AsyncAPI 3.0, made from the running gateways and their DTOs. Checked
 * by the AsyncAPI project's own parser, against docs/PROTOCOL.md's tables of client messages, against itself (every
 * reference resolves), and against what the server really accepts and refuses.
 */

const PROTOCOL = readFileSync(join(__dirname, '..', '..', 'docs', 'PROTOCOL.md'), 'utf8');
/** every client message PROTOCOL.md documents in a table row of its own (each has a context prefix, or is `sync` or `session.refresh`: the `session.*` rows above them are what the server sends) */
const DOCUMENTED = [...new Set([...PROTOCOL.matchAll(/^\| `((?:rooms|mentoring|family|safety|notices)\.[A-Za-z]+|session\.refresh|sync)`/gm)].map((m) => m[1]))].sort();

type Doc = { asyncapi: string; channels: { socket: { messages: Record<string, { name: string; payload: { $ref?: string } }> } }; operations: Record<string, { action: string; messages: { $ref: string }[] }>; components: { schemas: Record<string, any> } };

describe('the AsyncAPI document of the socket.io protocol', () => {
  let app: AppProcess;
  oneAppPerFile('sqlite', (started) => (app = started));
  let doc: Doc;
  beforeAll(async () => {
    const response = await fetch(`${app.url}/asyncapi.json`);
    expect(response.status).toBe(200);
    doc = (await response.json()) as Doc;
  });

  const schemaOf = (message: string) => {
    const entry = Object.values(doc.channels.socket.messages).find((m) => m.name === message)!;
    return doc.components.schemas[entry.payload.$ref!.split('/').pop()!];
  };

  it("is a valid AsyncAPI document to the AsyncAPI project's parser: no error, no warning", async () => {
    const { document, diagnostics } = await new Parser().parse(JSON.stringify(doc));
    // severities: 0 error, 1 warning, 2 information (such as "a newer AsyncAPI version exists"), 3 hint
    expect(diagnostics.filter((d) => d.severity <= 1).map((d) => `${d.code}: ${d.message} at ${d.path.join('.')}`)).toEqual([]);
    expect(document?.operations().all().length).toBe(Object.keys(doc.operations).length);
  });

  it('lists exactly the client messages docs/PROTOCOL.md documents, each received with an ack, and what the server sends', () => {
    expect(doc.asyncapi).toBe('3.0.0');
    const received = Object.values(doc.operations).filter((o) => o.action === 'receive');
    const names = received.map((o) => doc.channels.socket.messages[o.messages[0].$ref.split('/').pop()!].name).sort();
    expect(DOCUMENTED.length).toBeGreaterThan(40);
    expect(names).toEqual(DOCUMENTED);
    const sent = Object.values(doc.operations).filter((o) => o.action === 'send').map((o) => doc.channels.socket.messages[o.messages[0].$ref.split('/').pop()!].name);
    expect(sent.sort()).toEqual(['error', 'event', 'presence', 'ready', 'session.ended', 'session.expired', 'typing']);
  });

  it('resolves every reference it makes, and gives every client message the schema of its DTO', () => {
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/([^"]+)"/g)].map((m) => m[1]);
    expect(refs.length).toBeGreaterThan(100);
    for (const path of refs) {
      const target = path.split('/').reduce<any>((node, part) => node?.[part], doc);
      expect({ path, resolves: target !== undefined }).toEqual({ path, resolves: true });
    }
    for (const name of DOCUMENTED) expect({ name, payload: schemaOf(name)?.type }).toEqual({ name, payload: 'object' });
    expect(schemaOf('rooms.post')).toMatchObject({ required: ['commandId', 'roomId', 'text'], properties: { text: { type: 'string', maxLength: 4000 } } });
    expect(schemaOf('family.reschedule').required).toEqual(['commandId', 'sessionId', 'startsAt', 'endsAt']);
  });

  it('describes what the server does: a payload made to its schema is accepted, one missing a required field refused', async () => {
    const fran = await connect(app, 'fran', 'facilitator');
    const schema = schemaOf('rooms.create');
    const example: Record<string, unknown> = { commandId: 'asyncapi-1', name: 'Tuesday group', topic: 'between sessions', kind: 'peer_support', capacity: 12, joinRule: 'open' };
    // every required property, and none the schema does not name
    expect(schema.required.filter((p: string) => !(p in example))).toEqual([]);
    expect(Object.keys(example).filter((p) => !(p in schema.properties))).toEqual([]);
    expect(await fran.send('rooms.create', example)).toMatchObject({ ok: true });
    const { name: _dropped, ...withoutName } = example;
    expect(await fran.send('rooms.create', { ...withoutName, commandId: 'asyncapi-2' })).toMatchObject({ ok: false, error: { code: 'VALIDATION.FAILED' } });
  });
});
