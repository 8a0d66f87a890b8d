import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type ReceivedWebhook = { headers: IncomingHttpHeaders; body: string; json: Record<string, any> };

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** the status of each next answer, in order (200 once none is queued) */
  answers: number[];
  /** the status of each next answer to a post naming this `userId` (before `answers`): for receivers several tests share */
  answersFor: Map<string, number[]>;
  /** the most posts it held at once, unanswered */
  maxInFlight: number;
  close(): Promise<void>;
}

/**
 * A clinic's service (a pager, a push gateway) on 127.0.0.1 that records every post it is sent, answering each after
 * `answerAfterMs` (a slow service).
 */
export async function startWebhookReceiver(path = '/hook', { answerAfterMs = 0 } = {}): Promise<WebhookReceiver> {
  let inFlight = 0;
  const server: Server = createServer((request, response) => {
    let body = '';
    inFlight += 1;
    receiver.maxInFlight = Math.max(receiver.maxInFlight, inFlight);
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      receiver.received.push({ headers: request.headers, body, json: JSON.parse(body) });
      setTimeout(() => {
        inFlight -= 1;
        const forUser = receiver.answersFor.get(String(JSON.parse(body).userId))?.shift();
        response.writeHead(forUser ?? receiver.answers.shift() ?? 200, { 'content-type': 'application/json' }).end('{}');
      }, answerAfterMs);
    });
  });
  const receiver: WebhookReceiver = {
    url: '',
    received: [],
    answers: [],
    answersFor: new Map(),
    maxInFlight: 0,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
  return receiver;
}

/** Polls `check` every 25 ms until it gives something, or fails naming what it waited for. */
export async function until<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 8000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
