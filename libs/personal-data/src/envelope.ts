import { createCipheriv, createDecipheriv, createHmac, hkdfSync } from 'node:crypto';

/**
 * A sealed value as it is stored: `pd:v1:<keyId>:<base64url(iv | ciphertext | tag)>`, AES-256-GCM under the person's
 * key. The key id, not the person's id, names the key: after an erasure the same person gets a new key, and what was
 * sealed under the old one stays unreadable.
 */
const PREFIX = 'pd:v1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const ENVELOPE = /^pd:v1:([0-9a-f-]{36}):([A-Za-z0-9_-]+)$/;

/** The two keys one person's secret is stretched into: one encrypts, one derives the IVs. */
export interface SealingKey {
  keyId: string;
  encryption: Buffer;
  ivDerivation: Buffer;
}

export function sealingKey(keyId: string, secret: Buffer): SealingKey {
  const derive = (info: string) => Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), info, 32));
  return { keyId, encryption: derive('haven personal data v1 encryption'), ivDerivation: derive('haven personal data v1 iv') };
}

/**
 * Seals one value. Deterministic: the IV is an HMAC of where the value sits (`place`, the event id and field) and the
 * value itself, so a command retried with the same id seals to the same bytes and the store's idempotent append still
 * recognises its event; two different values never share an IV (the synthetic-IV construction of SIV modes).
 */
export function seal(key: SealingKey, place: string, plaintext: string): string {
  const iv = createHmac('sha256', key.ivDerivation).update(place).update('\0').update(plaintext, 'utf8').digest().subarray(0, IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key.encryption, iv);
  cipher.setAAD(Buffer.from(key.keyId, 'utf8'));
  const body = Buffer.concat([iv, cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return `${PREFIX}${key.keyId}:${body.toString('base64url')}`;
}

/** The key id of a sealed value; null for anything else (plain text, including text that only looks sealed). */
export function envelopeKeyId(value: string): string | null {
  if (!value.startsWith(PREFIX)) return null;
  const match = ENVELOPE.exec(value);
  return match ? match[1] : null;
}

/** The plaintext of a sealed value; null when it does not open with this key (not one of ours, or tampered with). */
export function open(key: SealingKey, value: string): string | null {
  const match = ENVELOPE.exec(value);
  if (!match || match[1] !== key.keyId) return null;
  const body = Buffer.from(match[2], 'base64url');
  if (body.length < IV_BYTES + TAG_BYTES) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.encryption, body.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(key.keyId, 'utf8'));
    decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
    return Buffer.concat([decipher.update(body.subarray(IV_BYTES, body.length - TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}
