import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('works with no variables at all (the embedded default)', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'cfg-'));
    const c = loadConfig({}, cwd);
    expect(c.port).toBe(3000);
    expect(c.database).toEqual({ type: 'sqlite', path: join(cwd, 'data/parley.sqlite') });
    expect(c.encryptionKey).toHaveLength(32);
    expect(c.settings.META_GRAPH_URL).toBe('https://graph.facebook.com/v24.0');
    // generated secrets persist across starts
    const again = loadConfig({}, cwd);
    expect(again.encryptionKey.equals(c.encryptionKey)).toBe(true);
    expect(again.jwtSecret).toBe(c.jwtSecret);
    expect(readFileSync(join(cwd, 'data/jwt.secret'), 'utf8').trim()).toBe(c.jwtSecret);
  });

  it('accepts MySQL URLs and explicit keys', () => {
    const c = loadConfig({ DATABASE_URL: 'mysql://u:p@db:3306/parley', ENCRYPTION_KEY: 'ab'.repeat(32), JWT_SECRET: 's', DATA_DIR: '/tmp/x' });
    expect(c.database).toEqual({ type: 'mysql', url: 'mysql://u:p@db:3306/parley' });
    expect(c.encryptionKey.toString('hex')).toBe('ab'.repeat(32));
  });

  it('lists every invalid variable', () => {
    expect(() => loadConfig({ PORT: 'abc', DATABASE_URL: 'postgres://x', JWT_SECRET: 's', ENCRYPTION_KEY: 'ab'.repeat(32) })).toThrow(ConfigError);
    try {
      loadConfig({ PORT: 'abc', DATABASE_URL: 'postgres://x', JWT_SECRET: 's', ENCRYPTION_KEY: 'ab'.repeat(32) });
    } catch (e) {
      expect((e as Error).message).toContain('PORT');
      expect((e as Error).message).toContain('DATABASE_URL');
    }
    expect(() => loadConfig({ ENCRYPTION_KEY: 'short', JWT_SECRET: 's' })).toThrow(/32 bytes/);
  });
});
