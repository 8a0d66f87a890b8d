/**
 * The HS256 secret used when JWT_SECRET is unset outside production, so a fresh checkout runs and the
 * mint-token CLI works with no set-up. It is public (it is in the repository): production refuses it.
 */
export const DEV_JWT_SECRET = 'haven-dev-only-jwt-secret--public--never-use-in-production';
