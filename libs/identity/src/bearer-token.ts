import { AuthError, AuthErrorCodes } from './auth-error';

/** The token of an `Authorization: Bearer <token>` header; throws AUTH.TOKEN_MISSING or AUTH.TOKEN_MALFORMED. */
export function bearerToken(header: string | string[] | undefined): string {
  if (header === undefined || header === '') {
    throw new AuthError(AuthErrorCodes.missing, 'no access token was sent (Authorization: Bearer <token>)');
  }
  const match = typeof header === 'string' ? /^Bearer[ ]+(\S+)[ ]*$/i.exec(header) : null;
  if (!match) {
    throw new AuthError(AuthErrorCodes.malformed, 'the Authorization header must be `Bearer <token>`');
  }
  return match[1];
}
