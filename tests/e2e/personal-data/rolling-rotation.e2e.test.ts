import { randomBytes, randomUUID } from 'node:crypto';
import { MasterKeys } from '@haven/personal-data/master-keys';
import { AppProcess, freshData, type AppData } from '../../support/app-process';
import { readLog } from '../../support/event-log';
import { dropSchema, describeWithPostgres } from '../../support/postgres';
import { dumpTables } from '../../support/read-model-dump';
import { closeAllClients, connect, settle, type TestClient } from '../../support/sockets';
import { accepted, createRoom, history, post, roomEvents, waitInRoom } from '../rooms/rooms-helpers';
import { pingRedis, REDIS_URL } from '../scale-out-helpers';

/*
 * A rotation of the master key done as README "Rotating the master key" says for several nodes, with the nodes on
 * different settings at the same moment, as they are in a rolling restart: first the new key added everywhere as a
 * previous one, then the two swapped node by node, then the old one dropped. At every step each node reads every
 * person's words, those whose keys the other node made or rewrapped meanwhile included. And a node left on the old key
 * alone (the first step skipped) holds delivery back and says why, instead of sending anyone's words as erased.
 */

const newMasterKey = () => randomBytes(32).toString('base64');
const idOf = (key: string) => MasterKeys.fromBase64(key).current.id;

describeWithPostgres('a rolling rotation of the master key, two nodes on different keys at once', () => {
  let data: AppData;
  const running = new Set<AppProcess>();
  const start = async (env: { current: string; previous?: string }) => {
    const node = await AppProcess.start(data, {
      REDIS_URL,
      PERSONAL_DATA_KEY: env.current,
      PERSONAL_DATA_PREVIOUS_KEYS: env.previous ?? '',
      LOG_LEVEL: 'info',
    });
    running.add(node);
    return node;
  };
  /** one node of a rolling restart: this one stops, then its replacement starts on the new setting */
  const restart = async (node: AppProcess, env: { current: string; previous?: string }) => {
    running.delete(node);
    await node.stop();
    return start(env);
  };

  beforeEach(async () => {
    await pingRedis();
    data = freshData('postgres');
  });
  afterEach(async () => {
    closeAllClients();
    await Promise.all([...running].map((node) => node.stop()));
    running.clear();
    await dropSchema(data.env.POSTGRES_SCHEMA).catch(() => undefined);
  });

  const wrappedUnder = async () =>
    (await dumpTables(data, ['personal_data_keys'])).personal_data_keys
      .map((row) => JSON.parse(row as string) as { secret: string | null })
      .map((row) => /^mk:v1:([0-9a-f]{16}):/.exec(row.secret ?? '')?.[1]);

  /** someone new joins on `node` and posts there; a member on each other node gets the words live */
  const newcomerPosts = async (node: AppProcess, roomId: string, watchers: TestClient[]) => {
    const newcomer = await connect(node, `person-${randomUUID().slice(0, 8)}`, 'participant');
    await accepted(newcomer, 'rooms.join', { roomId });
    const words = `new words ${randomUUID()}`;
    const { messageId } = await post(newcomer, roomId, words);
    for (const watcher of watchers) {
      const seen = await waitInRoom(watcher, roomId, 'MessagePosted', (e) => e.data.messageId === messageId);
      expect(seen.data.text).toBe(words);
    }
    return words;
  };

  /** a fresh reader on each node reads the whole history over HTTP: every word said so far, none erased */
  const everyNodeReads = async (nodes: AppProcess[], roomId: string, said: string[]) => {
    for (const node of nodes) {
      const reader = await connect(node, 'fran', 'facilitator');
      const texts = (await history(node, reader, roomId, { limit: 200 })).map((m) => m.text);
      expect(texts).toEqual(said);
      reader.close();
    }
  };

  it('done as the README says, both nodes read every word at every step, words of people the other node keyed included', async () => {
    const [oldKey, newKey] = [newMasterKey(), newMasterKey()];
    let A = await start({ current: oldKey });
    let B = await start({ current: oldKey });
    const roomId = await createRoom(await connect(A, 'fran', 'facilitator'), { capacity: 50 });
    const said: string[] = [];
    const watch = async (node: AppProcess) => {
      const watcher = await connect(node, `watcher-${randomUUID().slice(0, 8)}`, 'participant');
      await accepted(watcher, 'rooms.join', { roomId });
      return watcher;
    };
    said.push(await newcomerPosts(A, roomId, [await watch(B)]));

    // step 1a: the new key added everywhere as a previous one, node by node; the old one still wraps
    B = await restart(B, { current: oldKey, previous: newKey });
    said.push(await newcomerPosts(B, roomId, [await watch(A)]));
    A = await restart(A, { current: oldKey, previous: newKey });
    said.push(await newcomerPosts(A, roomId, [await watch(B)]));
    expect(new Set(await wrappedUnder())).toEqual(new Set([idOf(oldKey)]));

    // step 1b: swapped node by node. B rewraps every key at start while A, not yet swapped, goes on wrapping under the
    // old key; each reads what the other wraps
    B = await restart(B, { current: newKey, previous: oldKey });
    expect(B.logs).toContain(`wrapped ${said.length} personal data keys under master key ${idOf(newKey)}`);
    const [onA, onB] = [await watch(A), await watch(B)];
    said.push(await newcomerPosts(B, roomId, [onA]));
    said.push(await newcomerPosts(A, roomId, [onB]));
    expect(new Set(await wrappedUnder())).toEqual(new Set([idOf(oldKey), idOf(newKey)]));
    await everyNodeReads([A, B], roomId, said);

    // the last node swapped rewraps what nodes not yet swapped wrapped under the old key: nothing is left under it
    A = await restart(A, { current: newKey, previous: oldKey });
    expect(new Set(await wrappedUnder())).toEqual(new Set([idOf(newKey)]));
    said.push(await newcomerPosts(A, roomId, [await watch(B)]));

    // step 2: the old key dropped, node by node; it opens nothing any more
    B = await restart(B, { current: newKey });
    A = await restart(A, { current: newKey });
    said.push(await newcomerPosts(B, roomId, [await watch(A)]));
    await everyNodeReads([A, B], roomId, said);
    await expect(readLog(data, { masterKey: oldKey })).rejects.toThrow(/neither PERSONAL_DATA_KEY nor PERSONAL_DATA_PREVIOUS_KEYS/);
    expect(JSON.stringify(await readLog(data, { masterKey: newKey }))).toContain(said[0]);
  }, 120_000); // ten node starts, one after another

  it("a node left on the old key alone (step 1a skipped) holds delivery back, is unhealthy and names the key it lacks; given it, it delivers what it held", async () => {
    const [oldKey, newKey] = [newMasterKey(), newMasterKey()];
    const A = await start({ current: oldKey });
    let B = await start({ current: oldKey });
    const roomId = await createRoom(await connect(A, 'fran', 'facilitator'), { capacity: 50 });
    const member = await connect(A, 'member', 'participant');
    await accepted(member, 'rooms.join', { roomId });
    const before = await newcomerPosts(B, roomId, [member]);

    // B swapped without A knowing the new key: someone new on B gets a key A cannot open
    B = await restart(B, { current: newKey, previous: oldKey });
    const newcomer = await connect(B, 'newcomer', 'participant');
    await accepted(newcomer, 'rooms.join', { roomId });
    const words = `words A cannot open ${randomUUID()}`;
    const { messageId } = await post(newcomer, roomId, words);

    // A does not send the words as erased, or at all: its delivery stops there, its health says so, its log says why
    const deadline = Date.now() + 10_000;
    let health = await fetch(`${A.url}/health`);
    while (health.status === 200 && Date.now() < deadline) {
      await settle(200);
      health = await fetch(`${A.url}/health`);
    }
    expect(health.status).toBe(503);
    await settle(500);
    expect(roomEvents(member, roomId, 'MessagePosted').map((e) => e.data.messageId)).not.toContain(messageId);
    expect(A.logs).toContain(`master key ${idOf(newKey)}, which neither PERSONAL_DATA_KEY nor PERSONAL_DATA_PREVIOUS_KEYS holds`);
    expect(member.socket.connected).toBe(true);

    // restarted with the new key as a previous one (step 1a after all), A delivers the words it held back
    const lastSeen = member.lastPosition();
    running.delete(A);
    await A.stop();
    const fixedA = await start({ current: oldKey, previous: newKey });
    const back = await connect(fixedA, 'member', 'participant', { lastPosition: lastSeen });
    const delivered = await waitInRoom(back, roomId, 'MessagePosted', (e) => e.data.messageId === messageId);
    expect(delivered.data.text).toBe(words);
    expect((await history(fixedA, back, roomId)).map((m) => m.text)).toEqual([before, words]);
  }, 60_000);
});
