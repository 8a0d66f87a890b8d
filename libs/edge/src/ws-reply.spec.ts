/// <reference types="jest" />
// the app build (types: ["node"]) also compiles specs under libs, so they name their jest types themselves
import { toErrorBody } from './error-body';
import { findAck, replyWithError, WS_ERROR_EVENT } from './ws-reply';

const body = toErrorBody(new Error('secret')).body;

function fakeClient() {
  const emitted: unknown[][] = [];
  return { emitted, emit: (...args: unknown[]) => emitted.push(args) };
}

describe('replying to a failed socket message', () => {
  it('finds the ack before the pattern Nest appends', () => {
    const ack = () => undefined;
    expect(findAck([fakeClient(), { roomId: 'r1' }, ack, 'room:post'])).toBe(ack);
    expect(findAck([fakeClient(), { roomId: 'r1' }, undefined, 'room:post'])).toBeUndefined();
  });

  it('answers through the ack, not an event', () => {
    const client = fakeClient();
    const acks: unknown[] = [];
    replyWithError([client, {}, (reply: unknown) => acks.push(reply), 'room:post'], body);
    expect(acks).toEqual([body]);
    expect(client.emitted).toEqual([]);
  });

  it('emits an error event to that socket when there is no ack', () => {
    const client = fakeClient();
    replyWithError([client, {}, undefined, 'room:post'], body);
    expect(client.emitted).toEqual([[WS_ERROR_EVENT, body]]);
  });
});
