import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ErrorBody } from './error-body';

/**
 * Answers requests that Node's HTTP parser refuses before Nest sees them (headers or URL over Node's 16 KB, a broken
 * request line) with our JSON error body instead of Node's bare status line, then closes the connection.
 */
export function answerMalformedHttpRequests(server: Server): void {
  server.on('clientError', (error: Error & { code?: string }, socket: Duplex) => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
    const body: ErrorBody = {
      ok: false,
      error: tooLarge
        ? { code: 'HTTP.HEADERS_TOO_LARGE', message: 'the request line and headers must stay under 16 KB', details: {} }
        : { code: 'HTTP.MALFORMED_REQUEST', message: 'the request could not be parsed as HTTP', details: {} },
    };
    const json = JSON.stringify(body);
    const status = tooLarge ? '431 Request Header Fields Too Large' : '400 Bad Request';
    socket.end(
      `HTTP/1.1 ${status}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(json)}\r\nConnection: close\r\n\r\n${json}`,
    );
  });
}
