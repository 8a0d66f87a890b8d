import { verifierConfigFromEnv } from '@haven/identity';

/**
 * Where the API (and its metrics) listen: HOST when set; otherwise every address, except on the public development
 * secret, with which anyone can sign a token for any role: then this machine only.
 */
export function listenHost(read: (key: string) => string | undefined): { host: string; loopbackForDevSecret: boolean } {
  const host = process.env.HOST?.trim();
  if (host) return { host, loopbackForDevSecret: false };
  const onDevSecret = verifierConfigFromEnv(read).usingDevSecret;
  return { host: onDevSecret ? '127.0.0.1' : '0.0.0.0', loopbackForDevSecret: onDevSecret };
}
