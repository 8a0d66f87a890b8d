/**
 * Prints a dev access token for local runs:
 *   node dist/apps/api/src/cli/mint-token.js --sub alice --role participant [--family-session <id>] [--expires 8h]
 * Signs with JWT_SECRET (or the public DEV_JWT_SECRET the app also falls back to); refuses under NODE_ENV=production.
 */
import { parseArgs } from 'node:util';
import { ROLES } from '@haven/domain';
// sub-paths, not the package index: the CLI needs no Nest
import { isRole } from '@haven/identity/actor-claims';
import { DEV_JWT_SECRET } from '@haven/identity/dev-jwt-secret';
import { mintDevToken } from '@haven/identity/dev-token-minter';

const USAGE = `usage: mint-token --sub <userId> --role <${ROLES.join('|')}> [--family-session <id>] [--expires 8h]`;

async function main(argv: string[]): Promise<number> {
  if (process.env.NODE_ENV === 'production') {
    return fail('mint-token: refusing to mint dev tokens under NODE_ENV=production');
  }
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        sub: { type: 'string' },
        role: { type: 'string' },
        'family-session': { type: 'string' },
        expires: { type: 'string', default: '8h' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (error) {
    return fail(`mint-token: ${(error as Error).message}\n${USAGE}`);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (!values.sub) return fail(`mint-token: --sub is required\n${USAGE}`);
  if (!isRole(values.role)) return fail(`mint-token: --role must be one of ${ROLES.join(', ')}\n${USAGE}`);
  if (values.role === 'family' && !values['family-session']) {
    return fail('mint-token: --role family needs --family-session <id>');
  }

  const token = await mintDevToken({
    secret: process.env.JWT_SECRET || DEV_JWT_SECRET,
    sub: values.sub,
    role: values.role,
    familySessionId: values['family-session'],
    expiresIn: values.expires,
    issuer: process.env.JWT_ISSUER || undefined,
    audience: process.env.JWT_AUDIENCE || undefined,
  });
  process.stdout.write(`${token}\n`);
  return 0;
}

function fail(message: string): number {
  process.stderr.write(`${message}\n`);
  return 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.exitCode = fail(`mint-token: ${(error as Error).message}`);
  },
);
