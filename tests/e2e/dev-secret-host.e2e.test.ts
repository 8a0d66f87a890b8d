import { networkInterfaces } from 'node:os';
import { AppProcess, freshData } from '../support/app-process';

/*
 * On the public development secret anyone can sign a token, for any role: such a server listens on 127.0.0.1 only,
 * unless HOST says where (README, "Configuration"). Checked through the machine's own non-loopback address.
 */

const outsideAddress = Object.values(networkInterfaces())
  .flat()
  .find((address) => address && !address.internal && address.family === 'IPv4')?.address;

/** whether the app answers /health at that address of this machine */
const answersAt = (address: string, app: AppProcess) =>
  fetch(`http://${address}:${app.port}/health`, { signal: AbortSignal.timeout(3000) }).then(
    (response) => response.status,
    () => 'unreachable',
  );

// a machine with no address but loopback cannot tell the two apart
const describeWithOutsideAddress = outsideAddress ? describe : describe.skip;

describeWithOutsideAddress(`which address the API listens on (checked at ${outsideAddress})`, () => {
  const apps: AppProcess[] = [];
  afterAll(async () => {
    await Promise.all(apps.map((app) => app.stop()));
  });
  const start = async (env: Record<string, string>) => {
    const app = await AppProcess.start(freshData('sqlite'), { ...env, LOG_LEVEL: 'info' });
    apps.push(app);
    return app;
  };

  it('on the public development secret: this machine only, and the log says so', async () => {
    const app = await start({ JWT_SECRET: '' });
    expect({ loopback: await answersAt('127.0.0.1', app), outside: await answersAt(outsideAddress!, app) }).toEqual({ loopback: 200, outside: 'unreachable' });
    expect(app.logs).toContain('listening on 127.0.0.1 only');
  });

  it('on a secret of its own, or with HOST set: every address', async () => {
    const ownSecret = await start({});
    const devWithHost = await start({ JWT_SECRET: '', HOST: '0.0.0.0' });
    expect([await answersAt(outsideAddress!, ownSecret), await answersAt(outsideAddress!, devWithHost)]).toEqual([200, 200]);
  });
});
