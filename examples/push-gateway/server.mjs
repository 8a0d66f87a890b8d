// A starting point for a clinic's push gateway (README, "Telling people who are away"): it checks that a notice
// comes from Haven (X-Haven-Signature over X-Haven-Timestamp and the body, and the timestamp's age), takes each
// Idempotency-Key once, and hands the person's id and the fixed message to `push`, which is yours to write: look up
// the person's devices and send through APNs or FCM. Node 20, no dependencies.
//
//   HAVEN_WEBHOOK_SECRET=<OFFLINE_NOTICE_SECRET> PORT=8080 node examples/push-gateway/server.mjs
//
// Haven counts any 2xx as taken and retries anything else twice (30 s, 2 min), so answer 2xx only once the push is
// handed on, and a refusal (4xx) only for a request that is not Haven's.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';

const secret = process.env.HAVEN_WEBHOOK_SECRET ?? '';
if (secret.length < 32) throw new Error('HAVEN_WEBHOOK_SECRET: the OFFLINE_NOTICE_SECRET Haven signs with (32+ characters)');
const port = Number(process.env.PORT ?? 8080);
/** older (or further ahead) than this, a signed request is refused: a replay of a captured one */
const maxAgeSeconds = Number(process.env.MAX_AGE_SECONDS ?? 300);
const maxBodyBytes = 64 * 1024;

/** Replace with the real thing: the person's devices, then APNs / FCM. Say nothing more than `message` on a lock screen. */
async function push({ userId, message, collapseKey }) {
  console.log(JSON.stringify({ push: { userId, message, collapseKey } }));
}

/** the keys taken lately: a retry of a notice already pushed is answered 200 and not pushed again */
const taken = new Map();
function firstTime(key) {
  const now = Date.now();
  for (const [k, at] of taken) if (now - at > 2 * maxAgeSeconds * 1000) taken.delete(k);
  if (taken.has(key)) return false;
  taken.set(key, now);
  return true;
}

function signatureIsHavens(timestamp, body, signature) {
  if (!/^\d+$/.test(timestamp ?? '') || typeof signature !== 'string') return false;
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > maxAgeSeconds) return false;
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`);
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const answer = (response, status, body) => response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

const server = createServer((request, response) => {
  if (request.method !== 'POST') return answer(response, 405, { error: 'POST only' });
  const chunks = [];
  let size = 0;
  request.on('data', (chunk) => {
    size += chunk.length;
    if (size <= maxBodyBytes) chunks.push(chunk);
  });
  request.on('end', async () => {
    if (size > maxBodyBytes) return answer(response, 413, { error: 'too large' });
    const body = Buffer.concat(chunks).toString('utf8');
    if (!signatureIsHavens(request.headers['x-haven-timestamp'], body, request.headers['x-haven-signature'])) return answer(response, 401, { error: 'not signed by Haven' });
    let notice;
    try {
      notice = JSON.parse(body);
    } catch {
      return answer(response, 400, { error: 'not JSON' });
    }
    if (notice.type !== 'conversation.unread' || typeof notice.userId !== 'string') return answer(response, 400, { error: 'not a notice' });
    const key = String(request.headers['idempotency-key'] ?? '');
    if (!firstTime(key)) return answer(response, 200, { ok: true, duplicate: true });
    try {
      await push({ userId: notice.userId, message: notice.message, collapseKey: notice.collapseKey });
      answer(response, 200, { ok: true });
    } catch (error) {
      taken.delete(key); // Haven retries: let the retry through
      console.error(JSON.stringify({ pushFailed: error instanceof Error ? error.name : 'error' }));
      answer(response, 502, { error: 'push failed' });
    }
  });
});
server.listen(port, () => console.log(JSON.stringify({ listening: port })));
