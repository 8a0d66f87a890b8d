import type { AppProcess } from '../../support/app-process';

/** A family member redeems an invite code over HTTP, with no token (the code is the credential). */
export async function redeem(app: AppProcess, code: string): Promise<{ status: number; body: any }> {
  const response = await fetch(`${app.url}/family-sessions/redeem`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code }),
  });
  return { status: response.status, body: await response.json() };
}
