import type { AppProcess } from './app-process';

/** Moves the app's test clock on (`/test/clock/advance`, NODE_ENV=test) and resolves once the app's deadline processors have fired what fell due and it has delivered that: deadlines are done without waiting. Gives the app's time after (0 ms: its time now). `freeze`: from then on the app's clock moves only when moved. */
export async function advanceClock(app: Pick<AppProcess, 'url'>, ms: number, options: { freeze?: boolean } = {}): Promise<Date> {
  const body = JSON.stringify({ ms, ...(options.freeze && { freeze: true }) });
  const response = await fetch(`${app.url}/test/clock/advance`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  if (!response.ok) throw new Error(`the test clock did not move: HTTP ${response.status}`);
  return new Date(((await response.json()) as { data: { now: string } }).data.now);
}
