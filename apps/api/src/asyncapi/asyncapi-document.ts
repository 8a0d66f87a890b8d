import type { INestApplication, Type } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, ModulesContainer } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { GATEWAY_METADATA, MESSAGE_METADATA } from '@nestjs/websockets/constants';

/** One message a client may send: its name (`rooms.post`) and the DTO its payload is validated against. */
export interface SocketMessage {
  name: string;
  payload: Type<unknown> | null;
}

/** swagger's own key for a DTO's documented properties: a class has it when it has an @ApiProperty */
const DOCUMENTED_PROPERTIES = 'swagger/apiModelPropertiesArray';

/**
 * Every `@SubscribeMessage` of every gateway in the running app, read from Nest's metadata, so the document can never
 * list a message the server does not answer, nor miss one it does.
 */
export function socketMessagesOf(app: INestApplication): SocketMessage[] {
  const discovery = new DiscoveryService(app.get(ModulesContainer));
  const scanner = new MetadataScanner();
  const messages: SocketMessage[] = [];
  for (const wrapper of discovery.getProviders()) {
    const gateway = wrapper.metatype as Type<unknown> | undefined;
    if (!gateway || !Reflect.getMetadata(GATEWAY_METADATA, gateway)) continue;
    const prototype = gateway.prototype as Record<string, unknown>;
    for (const method of scanner.getAllMethodNames(prototype)) {
      const name = Reflect.getMetadata(MESSAGE_METADATA, prototype[method] as object) as string | undefined;
      if (!name) continue;
      const parameters = (Reflect.getMetadata('design:paramtypes', prototype, method) ?? []) as unknown[];
      const payload = parameters.find((p): p is Type<unknown> => typeof p === 'function' && Reflect.getMetadata(DOCUMENTED_PROPERTIES, p.prototype) !== undefined);
      messages.push({ name, payload: payload ?? null });
    }
  }
  return messages.sort((a, b) => a.name.localeCompare(b.name));
}

const key = (name: string) => name.replace(/\./g, '_');
const ref = (path: string) => ({ $ref: path });

/** What the server sends on its own (docs/PROTOCOL.md, "Messages from the server"), as JSON Schema. */
const SERVER_SCHEMAS: Record<string, object> = {
  WireEvent: {
    type: 'object',
    required: ['position', 'type', 'streamId', 'data', 'actorId', 'occurredAt'],
    properties: {
      position: { type: 'integer', description: 'global position in the log: unique, strictly increasing' },
      type: { type: 'string', examples: ['MessagePosted'] },
      streamId: { type: 'string', examples: ['room-6f1c0d7e-0000-0000-0000-000000000000'] },
      data: { type: 'object', description: "the event's data, or the form your role gets; personal fields of an erased person are null" },
      actorId: { type: 'string', description: 'who caused it (`system` for scheduled commands)' },
      occurredAt: { type: 'string', format: 'date-time' },
    },
  },
  Ready: { type: 'object', required: ['position', 'caughtUp'], properties: { position: { type: 'integer' }, caughtUp: { type: 'integer' } } },
  Typing: { type: 'object', required: ['roomId', 'userId', 'typing'], properties: { roomId: { type: 'string' }, userId: { type: 'string' }, typing: { type: 'boolean' } } },
  Presence: { type: 'object', required: ['roomId', 'userId', 'online'], properties: { roomId: { type: 'string' }, userId: { type: 'string' }, online: { type: 'boolean' } } },
  SessionExpired: { type: 'object', required: ['code', 'message'], properties: { code: { const: 'AUTH.TOKEN_EXPIRED' }, message: { type: 'string' } } },
  SessionEnded: { type: 'object', required: ['code', 'message'], properties: { code: { const: 'AUTH.SUSPENDED' }, message: { type: 'string' } } },
  ErrorBody: {
    type: 'object',
    required: ['code', 'message', 'details'],
    properties: { code: { type: 'string', description: 'stable, CONTEXT.REASON', examples: ['ROOM.MUTED'] }, message: { type: 'string' }, details: { type: 'object' } },
  },
  Ack: {
    description: 'the answer to every client message sent with an ack callback',
    oneOf: [
      { type: 'object', required: ['ok', 'data'], properties: { ok: { const: true }, data: { description: 'a CommandAck for commands, plus what the message adds (docs/PROTOCOL.md)' } } },
      { type: 'object', required: ['ok', 'error'], properties: { ok: { const: false }, error: ref('#/components/schemas/ErrorBody') } },
    ],
  },
  Refusal: { type: 'object', required: ['ok', 'error'], properties: { ok: { const: false }, error: ref('#/components/schemas/ErrorBody') } },
};

const SERVER_MESSAGES: { name: string; schema: string; summary: string }[] = [
  { name: 'ready', schema: 'Ready', summary: 'once per connection, after catch-up' },
  { name: 'event', schema: 'WireEvent', summary: 'every durable event this user may see: catch-up, then live' },
  { name: 'typing', schema: 'Typing', summary: 'a member of a room you are in is typing' },
  { name: 'presence', schema: 'Presence', summary: 'a member of a room you are in came online or went offline' },
  { name: 'error', schema: 'Refusal', summary: 'a message sent without an ack callback failed, or the connection is refused after connect' },
  { name: 'session.expired', schema: 'SessionExpired', summary: "the token's time is up; the server disconnects right after" },
  { name: 'session.ended', schema: 'SessionEnded', summary: "an admin suspended this user's access; the server disconnects right after" },
];

/**
 * The socket.io protocol as an AsyncAPI 3.0 document, for client developers' tools (code generation, validation):
 * what a client sends (each message's payload schema comes from the same class-validator DTO that validates it, through
 * swagger's schema factory), the ack it gets, and what the server sends. docs/PROTOCOL.md stays the prose: who may
 * send what, who receives which event, and every refusal code.
 */
export function createAsyncApiDocument(app: INestApplication): Record<string, unknown> {
  const clientMessages = socketMessagesOf(app);
  const dtos = [...new Set(clientMessages.map((m) => m.payload).filter((p): p is Type<unknown> => p !== null))];
  // the HTTP document's schema factory, asked only for these DTOs' schemas
  const openApi = SwaggerModule.createDocument(app, new DocumentBuilder().build(), { extraModels: dtos, include: [class NoRoutes {}] });
  const schemas = { ...(openApi.components?.schemas ?? {}), ...SERVER_SCHEMAS };
  const channel = ref('#/channels/socket');
  const messages: Record<string, object> = {};
  const operations: Record<string, object> = {};
  for (const { name, payload } of clientMessages) {
    messages[key(name)] = { name, title: name, payload: payload ? ref(`#/components/schemas/${payload.name}`) : { type: 'object' } };
    operations[`receive_${key(name)}`] = {
      action: 'receive',
      title: `client sends ${name}`,
      channel,
      messages: [ref(`#/channels/socket/messages/${key(name)}`)],
      reply: { channel, messages: [ref('#/channels/socket/messages/ack')] },
    };
  }
  messages.ack = { name: 'ack', title: 'ack', payload: ref('#/components/schemas/Ack') };
  for (const { name, schema, summary } of SERVER_MESSAGES) {
    messages[key(name)] = { name, title: name, summary, payload: ref(`#/components/schemas/${schema}`) };
    operations[`send_${key(name)}`] = { action: 'send', title: `server sends ${name}`, summary, channel, messages: [ref(`#/channels/socket/messages/${key(name)}`)] };
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Haven realtime API',
      version: '0.1.0',
      description:
        'socket.io 4, namespace /. Connect with `auth: { token, lastPosition? }`; every client message is sent with an ack. ' +
        'docs/PROTOCOL.md says who may send each message, who receives each event, and every refusal code.',
    },
    defaultContentType: 'application/json',
    channels: { socket: { address: '/', title: 'the socket.io connection', messages } },
    operations,
    components: { schemas },
  };
}
