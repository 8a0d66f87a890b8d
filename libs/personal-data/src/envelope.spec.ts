import { randomBytes, randomUUID } from 'node:crypto';
import { envelopeKeyId, open, seal, sealingKey } from './envelope';

const key = sealingKey(randomUUID(), randomBytes(32));

describe('sealed values', () => {
  it('open to what was sealed, and name their key', () => {
    const sealed = seal(key, 'event-1/text', 'I relapsed on Friday 💬');
    expect(sealed).not.toContain('relapsed');
    expect(envelopeKeyId(sealed)).toBe(key.keyId);
    expect(open(key, sealed)).toBe('I relapsed on Friday 💬');
    expect(open(key, seal(key, 'p', ''))).toBe('');
  });

  it('seal the same value in the same place to the same bytes (a retried append), elsewhere to others', () => {
    expect(seal(key, 'event-1/text', 'same')).toBe(seal(key, 'event-1/text', 'same'));
    expect(seal(key, 'event-2/text', 'same')).not.toBe(seal(key, 'event-1/text', 'same'));
    expect(seal(key, 'event-1/text', 'other')).not.toBe(seal(key, 'event-1/text', 'same'));
  });

  it('do not open with another key, nor when tampered with', () => {
    const sealed = seal(key, 'p', 'private');
    const sameIdOtherSecret = sealingKey(key.keyId, randomBytes(32));
    expect(open(sameIdOtherSecret, sealed)).toBeNull();
    expect(open(sealingKey(randomUUID(), randomBytes(32)), sealed)).toBeNull();
    const body = sealed.slice(sealed.lastIndexOf(':') + 1);
    const flipped = (body[5] === 'A' ? 'B' : 'A');
    expect(open(key, sealed.replace(body, body.slice(0, 5) + flipped + body.slice(6)))).toBeNull();
    expect(open(key, `${sealed.slice(0, sealed.lastIndexOf(':') + 1)}AAAA`)).toBeNull();
  });

  it('are told from plain text by their whole shape, not by a prefix', () => {
    expect(envelopeKeyId('hello')).toBeNull();
    expect(envelopeKeyId('pd:v1: talking about pd:v1 here')).toBeNull();
    expect(envelopeKeyId(`pd:v1:${key.keyId}:not base64!`)).toBeNull();
  });
});
