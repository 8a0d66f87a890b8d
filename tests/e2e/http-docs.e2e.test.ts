import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AppProcess } from '../support/app-process';
import { oneAppPerFile } from './rooms/rooms-helpers';

/*
 * What the built app serves besides the API itself, as `npm start` and the Docker image run it (one bundled file,
 * apps/api/bundle.mjs): the OpenAPI document of every HTTP route the controllers declare and its browsable page at
 * /docs (swagger-ui's files found from the bundle), the health route as a balancer reads it, and no socket.io client
 * script (apps bring their own).
 */

const ROOT = join(__dirname, '..', '..');

/** every route the controllers declare, as OpenAPI writes it (`GET /rooms/{roomId}`), read from their sources */
function declaredRoutes(): string[] {
  const files = ['apps', 'libs'].flatMap((dir) =>
    readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.controller.ts')).map((f) => join(ROOT, dir, f)),
  );
  const routes: string[] = [];
  for (const file of files) {
    let prefix: string | null = null;
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      // the test clock is left out of the document on purpose (it only exists with TEST_CLOCK=1)
      if (/@ApiExcludeController\(\)/.test(line)) prefix = null;
      const controller = /^@Controller\('([^']*)'\)/.exec(line);
      if (controller) prefix = file.includes('test-clock') ? null : controller[1];
      const route = /^\s+@(Get|Post|Put|Patch|Delete)\((?:'([^']*)')?\)/.exec(line);
      if (route && prefix !== null) {
        const path = ['', prefix, route[2] ?? ''].filter((part, i) => i === 0 || part !== '').join('/').replace(/:(\w+)/g, '{$1}');
        routes.push(`${route[1].toUpperCase()} ${path}`);
      }
    }
  }
  return routes.sort();
}

describe('the OpenAPI document, the docs page and the health route of the built app', () => {
  let app: AppProcess;
  oneAppPerFile('sqlite', (started) => (app = started));

  it('documents exactly the HTTP routes the controllers declare', async () => {
    const response = await fetch(`${app.url}/docs-json`);
    expect(response.status).toBe(200);
    const doc = (await response.json()) as { openapi: string; paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`)).sort();
    const declared = declaredRoutes();
    expect(declared.length).toBeGreaterThan(25);
    expect(documented).toEqual(declared);
    expect(doc.openapi).toMatch(/^3\./);
  });

  it('serves the docs page with its scripts', async () => {
    const page = await fetch(`${app.url}/docs/`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('swagger-ui');
    const script = /src="\.\/([^"]*swagger-ui-bundle\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const bundle = await fetch(`${app.url}/docs/${script}`);
    expect(bundle.status).toBe(200);
    expect((await bundle.text()).length).toBeGreaterThan(100_000);
  });

  it('answers /health uncached, documented with both its answers', async () => {
    const health = await fetch(`${app.url}/health`);
    expect(health.status).toBe(200);
    expect(health.headers.get('cache-control')).toBe('no-cache, no-store, must-revalidate');
    expect(await health.json()).toMatchObject({ status: 'ok', info: { eventStore: { status: 'up' }, logFollower: { status: 'up' } } });
    const doc = (await (await fetch(`${app.url}/docs-json`)).json()) as { paths: Record<string, { get: { responses: Record<string, unknown> } }> };
    expect(Object.keys(doc.paths['/health'].get.responses).sort()).toEqual(['200', '503']);
  });

  it('does not serve the socket.io client script', async () => {
    const response = await fetch(`${app.url}/socket.io/socket.io.js`);
    expect(response.status).not.toBe(200);
    expect(await response.text()).not.toContain('socket.io');
  });
});
