import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SecretBox } from './secret-box.js';

describe('SecretBox (AES-256-GCM)', () => {
  const box = new SecretBox(randomBytes(32));
  it('round-trips values and never shows the plain text', () => {
    const sealed = box.seal({ accessToken: 'EAAG-secret' });
    expect(sealed).toMatch(/^v1:/);
    expect(sealed).not.toContain('EAAG-secret');
    expect(box.open(sealed)).toEqual({ accessToken: 'EAAG-secret' });
    expect(box.seal({ a: 1 })).not.toBe(box.seal({ a: 1 }));
  });
  it('refuses tampered data and other keys', () => {
    const sealed = box.seal({ a: 1 });
    const parts = sealed.split(':');
    const data = Buffer.from(parts[3], 'base64');
    data[0] ^= 1;
    expect(() => box.open([parts[0], parts[1], parts[2], data.toString('base64')].join(':'))).toThrow();
    expect(() => new SecretBox(randomBytes(32)).open(sealed)).toThrow();
    expect(() => new SecretBox(randomBytes(16))).toThrow();
  });
});
