import { plainToInstance, Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUrl, Matches, Max, Min, MinLength, validateSync } from 'class-validator';

/** Every setting the API reads from the environment, validated at start so a typo fails fast. */
export class Environment {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @Type(() => Number) @IsInt() @Min(1) @Max(65535)
  PORT = 3000;

  @IsIn(['sqlite', 'postgres', 'kurrentdb'])
  EVENT_STORE: 'sqlite' | 'postgres' | 'kurrentdb' = 'sqlite';

  @IsString()
  SQLITE_PATH = './data/haven.sqlite';

  @IsOptional() @IsString()
  DATABASE_URL?: string;

  /** PostgreSQL schema for events and read models (tests give each app its own) */
  @IsString()
  POSTGRES_SCHEMA = 'public';

  @IsOptional() @IsString()
  KURRENTDB_URL?: string;

  /** enables the socket.io Redis adapter (several API nodes) */
  @IsOptional() @IsUrl({ protocols: ['redis', 'rediss'], require_protocol: true, require_tld: false })
  REDIS_URL?: string;

  /**
   * what this deployment's Redis keys and pub/sub channels start with: deployments sharing one Redis (staging and
   * production, two clinics) need their own, or each sees the other's presence and spends its users' limits
   */
  @Matches(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, { message: 'REDIS_KEY_PREFIX is 1 to 64 letters, digits, dots, dashes or underscores, starting with a letter or digit' })
  REDIS_KEY_PREFIX = 'haven';

  @IsOptional() @IsString() @MinLength(32)
  JWT_SECRET?: string;

  @IsOptional() @IsUrl({ require_tld: false })
  JWKS_URL?: string;

  @IsOptional() @IsString()
  JWT_ISSUER?: string;

  @IsOptional() @IsString()
  JWT_AUDIENCE?: string;

  /** a token issued longer ago than this is refused (AUTH.TOKEN_EXPIRED) whatever its exp; 0: no limit (and no iat needed) */
  @Type(() => Number) @IsInt() @Min(0) @Max(8760)
  JWT_MAX_AGE_HOURS = 24;

  /** HS256 key for family guests' tokens (default: JWT_SECRET); with JWKS_URL, family invites need it */
  @IsOptional() @IsString() @MinLength(32)
  FAMILY_TOKEN_SECRET?: string;

  /**
   * master key (32 bytes, base64) wrapping every person's key in the database; production needs one. Checked, with the
   * previous ones, by masterKeysFromEnv at start (its errors name the variable)
   */
  @IsOptional() @IsString()
  PERSONAL_DATA_KEY?: string;

  /** comma-separated master keys replaced by PERSONAL_DATA_KEY: keys under them are rewrapped at start */
  @IsString()
  PERSONAL_DATA_PREVIOUS_KEYS = '';

  /** comma-separated origins allowed by CORS (HTTP and socket.io); empty allows none cross-origin */
  @IsString()
  CORS_ORIGINS = '';

  /** HTTP requests per minute per client address */
  @Type(() => Number) @IsInt() @Min(1)
  RATE_LIMIT_PER_MINUTE = 600;

  /** multiplies every per-member limit on room activity (posts, reactions, read marks, joins, history pages) */
  @Type(() => Number) @IsInt() @Min(1)
  ROOM_ACTIVITY_LIMIT_SCALE = 1;

  /** pairings one mentor may have active at once; accepting past it is refused (MENTORING.MENTOR_AT_CAPACITY) */
  @Type(() => Number) @IsInt() @Min(1)
  MENTOR_MAX_ACTIVE_PAIRINGS = 3;

  /** hours a mentor request stays open for mentors; then the system closes it (MentorRequestExpired) and they may ask again */
  @Type(() => Number) @IsInt() @Min(1)
  MENTOR_REQUEST_OPEN_HOURS = 168;

  /** hours an open request nobody took waits before the participant and clinicians are told (MentorRequestUnanswered), once */
  @Type(() => Number) @IsInt() @Min(1)
  MENTOR_REQUEST_UNANSWERED_HOURS = 24;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  /** serves Prometheus metrics at /metrics on this port, apart from the API (unset: no metrics) */
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(65535)
  METRICS_PORT?: number;
}

/** the comma-separated entries that are not an origin (scheme, host and port, nothing more) */
function corsOriginsThatAreNot(list: string): string[] {
  const entries = list.split(',').map((entry) => entry.trim()).filter(Boolean);
  return entries.filter((entry) => {
    try {
      const url = new URL(entry);
      return !['http:', 'https:'].includes(url.protocol) || url.origin !== entry;
    } catch {
      return true;
    }
  });
}

export function validateEnvironment(raw: Record<string, unknown>): Environment {
  // a variable set to nothing (`SQLITE_PATH=` in a compose file) means unset: its default, not an empty value (an empty
  // SQLITE_PATH was a temporary database, deleted with every event at the next stop; an empty PORT a random port)
  const set = Object.fromEntries(Object.entries(raw).filter(([, value]) => !(typeof value === 'string' && value.trim() === '')));
  const env = plainToInstance(Environment, set, { enableImplicitConversion: false, exposeDefaultValues: true });
  const errors = validateSync(env, { whitelist: false });
  const notOrigins = corsOriginsThatAreNot(env.CORS_ORIGINS);
  if (errors.length > 0 || notOrigins.length > 0) {
    const lines = errors.map((e) => `${e.property}: ${Object.values(e.constraints ?? {}).join(', ')}`);
    // '*' or a URL with a path matches no browser's Origin header: said at start, not found out from a blocked app
    if (notOrigins.length > 0) lines.push(`CORS_ORIGINS: each entry is an origin such as https://app.clinic.example (not ${notOrigins.map((o) => JSON.stringify(o)).join(', ')})`);
    throw new Error(`invalid environment:\n  ${lines.join('\n  ')}`);
  }
  return env;
}
