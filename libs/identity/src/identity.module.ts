import { Global, Logger, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { HttpAuthGuard } from './http-auth.guard';
import { ACCESS_SUSPENSIONS, refusingSuspended, type AccessSuspensions } from './access-suspensions';
import { createTokenVerifier, TOKEN_VERIFIER, type TokenVerifier, type TokenVerifierOptions } from './token-verifier';
import { verifierConfigFromEnv } from './verifier-config';

/** Nest injection token of the verifier's options, read once at start: who signs family tokens uses the same key. */
export const TOKEN_VERIFIER_OPTIONS = Symbol('TokenVerifierOptions');

const verifierProviders = [
  {
    provide: TOKEN_VERIFIER_OPTIONS,
    inject: [ConfigService],
    useFactory: (config: ConfigService): TokenVerifierOptions => {
      // throws on a bad or missing production configuration: the app refuses to start
      const { options, usingDevSecret } = verifierConfigFromEnv((key) => config.get<string>(key));
      if (usingDevSecret) {
        new Logger('Identity').warn('JWT_SECRET and JWKS_URL are unset: verifying with the public DEV_JWT_SECRET');
      }
      return options;
    },
  },
  {
    provide: TOKEN_VERIFIER,
    inject: [TOKEN_VERIFIER_OPTIONS, { token: ACCESS_SUSPENSIONS, optional: true }],
    useFactory: (options: TokenVerifierOptions, suspensions?: AccessSuspensions): TokenVerifier => {
      const verifier = createTokenVerifier(options);
      return suspensions ? refusingSuspended(verifier, suspensions) : verifier;
    },
  },
];

const guards = [HttpAuthGuard];

/**
 * Token verification for HTTP (HttpAuthGuard, @CurrentActor) and socket.io (inject TOKEN_VERIFIER into a
 * gateway and `server.use(createSocketAuthMiddleware(verifier))`). Global so every context module can
 * use the guard without importing this module.
 */
@Global()
@Module({
  imports: [ConfigModule],
  providers: [...verifierProviders, ...guards],
  exports: [TOKEN_VERIFIER, TOKEN_VERIFIER_OPTIONS, ...guards],
})
export class IdentityModule {}
