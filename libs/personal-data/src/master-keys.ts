import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * The master key wraps every person's key before it is stored (`personal_data_keys.secret`), so that the database
 * alone, a copy of it, a backup, a dead tuple or a free page, opens nothing: the master key lives in the deployment's
 * secrets (PERSONAL_DATA_KEY), never in the database. Rotating it (the old one moved to PERSONAL_DATA_PREVIOUS_KEYS)
 * rewraps every key at the next start; once the old master key is destroyed, whatever copies of the table still hold,
 * erased keys included, can no longer be opened. That is how an erasure reaches backups.
 *
 * Stored form: `mk:v1:<masterKeyId>:<base64url(iv | ciphertext | tag)>`, AES-256-GCM, the person's key id as
 * additional data (a wrapped secret moved to another row does not open). A row without the prefix was written before
 * keys were wrapped: it is read as it is and wrapped at the next start.
 */
const PREFIX = 'mk:v1:';
const WRAPPED = /^mk:v1:([0-9a-f]{16}):([A-Za-z0-9_-]+)$/;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;

export interface MasterKey {
  /** derived from the key (a hash), so stored rows name the master key that wraps them without naming its bytes */
  id: string;
  key: Buffer;
}

/**
 * The master key used when PERSONAL_DATA_KEY is unset outside production, so a fresh checkout runs with no set-up. It
 * is public (it is in the repository): production refuses it.
 */
export const DEV_PERSONAL_DATA_KEY = Buffer.from('haven-dev-only-personal-data-key').toString('base64');

export class MasterKeys {
  /** wraps new and rewrapped keys; `previous` only unwrap, until every row has been rewrapped under `current` */
  constructor(
    readonly current: MasterKey,
    readonly previous: readonly MasterKey[] = [],
  ) {}

  static fromBase64(current: string, previous: readonly string[] = []): MasterKeys {
    return new MasterKeys(masterKey(current), previous.map(masterKey));
  }

  wrap(keyId: string, secret: Buffer): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.current.key, iv);
    cipher.setAAD(additionalData(keyId));
    const body = Buffer.concat([iv, cipher.update(secret), cipher.final(), cipher.getAuthTag()]);
    return `${this.currentPrefix}${body.toString('base64url')}`;
  }

  /** the person's key from its stored form; throws when no master key this node holds wraps it, or it was altered */
  unwrap(keyId: string, stored: string): Buffer {
    if (!stored.startsWith(PREFIX)) return Buffer.from(stored, 'base64');
    const match = WRAPPED.exec(stored);
    if (!match) throw new Error(`personal_data_keys: the stored key ${keyId} is malformed`);
    const master = [this.current, ...this.previous].find((candidate) => candidate.id === match[1]);
    if (!master) {
      throw new Error(
        `personal_data_keys: key ${keyId} is wrapped under master key ${match[1]}, which neither PERSONAL_DATA_KEY nor PERSONAL_DATA_PREVIOUS_KEYS holds`,
      );
    }
    const body = Buffer.from(match[2], 'base64url');
    try {
      const decipher = createDecipheriv('aes-256-gcm', master.key, body.subarray(0, IV_BYTES));
      decipher.setAAD(additionalData(keyId));
      decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
      return Buffer.concat([decipher.update(body.subarray(IV_BYTES, body.length - TAG_BYTES)), decipher.final()]);
    } catch {
      throw new Error(`personal_data_keys: key ${keyId} does not open under master key ${master.id} (altered, or moved from another row)`);
    }
  }

  /** how every key wrapped under the current master key begins (a SQL LIKE prefix: the id is hex) */
  get currentPrefix(): string {
    return `${PREFIX}${this.current.id}:`;
  }

  /** whether a stored key is wrapped under the current master key already */
  wrapsUnderCurrent(stored: string): boolean {
    return stored.startsWith(this.currentPrefix);
  }
}

const additionalData = (keyId: string) => Buffer.from(`personal_data_keys/${keyId}`, 'utf8');

function masterKey(base64: string): MasterKey {
  const key = Buffer.from(base64.trim(), 'base64');
  // Buffer.from ignores what is not base64, so the length is checked on the round trip as well
  if (key.length !== KEY_BYTES || key.toString('base64') !== base64.trim()) {
    throw new Error(`a master key is ${KEY_BYTES} random bytes in base64 (e.g. the output of openssl rand -base64 ${KEY_BYTES})`);
  }
  return { id: createHash('sha256').update('haven master key id\0').update(key).digest('hex').slice(0, 16), key };
}

/**
 * The master keys from the environment: PERSONAL_DATA_KEY and PERSONAL_DATA_PREVIOUS_KEYS (comma-separated). Outside
 * production a missing PERSONAL_DATA_KEY falls back to the public DEV_PERSONAL_DATA_KEY; production refuses to start
 * without one, and refuses the public one. Errors name the variable.
 */
export function masterKeysFromEnv(get: (name: string) => string | undefined): { masterKeys: MasterKeys; usingDevKey: boolean } {
  const production = get('NODE_ENV') === 'production';
  const current = get('PERSONAL_DATA_KEY')?.trim() || undefined;
  const previous = (get('PERSONAL_DATA_PREVIOUS_KEYS') ?? '').split(',').map((entry) => entry.trim()).filter(Boolean);
  if (production && current === undefined) {
    throw new Error(`personal data: NODE_ENV=production needs PERSONAL_DATA_KEY, the master key (e.g. the output of openssl rand -base64 ${KEY_BYTES})`);
  }
  if (production && current === DEV_PERSONAL_DATA_KEY) {
    throw new Error('personal data: PERSONAL_DATA_KEY is the public DEV_PERSONAL_DATA_KEY; set a key of your own in production');
  }
  const parse = (name: string, value: string) => {
    try {
      return masterKey(value);
    } catch (error) {
      throw new Error(`personal data: ${name}: ${(error as Error).message}`);
    }
  };
  const masterKeys = new MasterKeys(
    parse('PERSONAL_DATA_KEY', current ?? DEV_PERSONAL_DATA_KEY),
    previous.map((value) => parse('PERSONAL_DATA_PREVIOUS_KEYS', value)),
  );
  return { masterKeys, usingDevKey: (current ?? DEV_PERSONAL_DATA_KEY) === DEV_PERSONAL_DATA_KEY };
}
