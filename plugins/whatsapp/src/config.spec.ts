import { ChannelError } from '@parley/sdk';
import { describe, expect, it } from 'vitest';
import { DEFAULT_GRAPH_URL, graphBaseUrl, parseConfig } from './config.js';

const valid = { phoneNumberId: '106540352242922', wabaId: '102290129340398', accessToken: 'EAAG-token' };

function invalidConfig(input: unknown): ChannelError {
  try {
    parseConfig(input);
  } catch (err) {
    expect(err).toBeInstanceOf(ChannelError);
    expect((err as ChannelError).code).toBe('INVALID_CONFIG');
    return err as ChannelError;
  }
  throw new Error('parseConfig accepted invalid input');
}

describe('parseConfig', () => {
  it('accepts the documented config, trims and drops unknown keys', () => {
    expect(parseConfig({ ...valid, accessToken: '  EAAG-token ', extra: 1 })).toEqual(valid);
  });

  it('rejects non-objects', () => {
    for (const input of [null, undefined, 'x', 42, [valid]]) invalidConfig(input);
  });

  it('names every missing or empty field', () => {
    const err = invalidConfig({ phoneNumberId: '', wabaId: 5 });
    expect(err.message).toMatch(/phoneNumberId/);
    expect(err.message).toMatch(/wabaId/);
    expect(err.message).toMatch(/accessToken/);
    expect(err.retryable).toBe(false);
  });

  it('rejects ids that would escape the URL path and tokens with spaces', () => {
    invalidConfig({ ...valid, phoneNumberId: '123/../me' });
    invalidConfig({ ...valid, wabaId: '1 2' });
    invalidConfig({ ...valid, phoneNumberId: '..' });
    invalidConfig({ ...valid, accessToken: 'two words' });
  });
});

describe('graphBaseUrl', () => {
  it('defaults to graph.facebook.com v24.0 and strips trailing slashes', () => {
    expect(graphBaseUrl({ setting: () => undefined })).toBe(DEFAULT_GRAPH_URL);
    expect(DEFAULT_GRAPH_URL).toBe('https://graph.facebook.com/v24.0');
    expect(graphBaseUrl({ setting: (n) => (n === 'META_GRAPH_URL' ? 'http://127.0.0.1:9/v24.0/' : undefined) })).toBe('http://127.0.0.1:9/v24.0');
  });
});
