import type { StoreKind } from './app-process';

/** Every e2e suite runs on each store; PostgreSQL ones skip loudly when it is down (and fail under CI=true). */
export const STORES: StoreKind[] =
  process.env.HAVEN_TEST_POSTGRES === 'down' ? ['sqlite'] : ['sqlite', 'postgres'];

export async function headPosition(appUrl: string): Promise<number> {
  const response = await fetch(`${appUrl}/health`);
  const body = (await response.json()) as { info: { eventStore: { head: number } } };
  return body.info.eventStore.head;
}
