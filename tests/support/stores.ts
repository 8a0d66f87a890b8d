import type { StoreKind } from './app-process';

/** Every e2e suite runs on each store; PostgreSQL ones skip loudly when it is down (and fail under CI=true). */
export const STORES: StoreKind[] =
  process.env.HAVEN_TEST_POSTGRES === 'down' ? ['sqlite'] : ['sqlite', 'postgres'];

export async function headPosition(appUrl: string): Promise<number> {
  const response = await fetch(`${appUrl}/health`);
  const body = (await response.json()) as { info: { eventStore: { head: number } } };
  return body.info.eventStore.head;
}

/**
 * Resolves once the app has projected and delivered everything in the log: after a start with a read model behind
 * (a new one starts at 0), health answers before the catch-up is done.
 */
export async function caughtUp(appUrl: string, timeoutMs = 10000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const body = (await (await fetch(`${appUrl}/health`)).json()) as { info: { eventStore: { head: number }; logFollower: { position: number } } };
    if (body.info.logFollower.position >= body.info.eventStore.head) return;
    if (Date.now() > deadline) throw new Error(`the app did not catch up in ${timeoutMs} ms: ${JSON.stringify(body.info)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
