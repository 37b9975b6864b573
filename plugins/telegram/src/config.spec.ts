import { ChannelError } from '@parley/sdk';
import { describe, expect, it } from 'vitest';
import { apiBaseUrl, parseConfig, secretFields, webhookUrl } from './config.js';
import { idParam, idString, parseJsonLosslessly } from './json.js';

const settings = (values: Record<string, string>) => ({ setting: (n: string) => values[n] });

describe('parseConfig', () => {
  it('keeps a trimmed bot token and drops anything else (the webhook secret is generated at connect)', () => {
    expect(parseConfig({ botToken: ' 5556648742:AAH-abc_DEF ', webhookSecret: 'mine', extra: 1 })).toEqual({ botToken: '5556648742:AAH-abc_DEF' });
  });

  it.each([[null], ['x'], [{}], [{ botToken: '' }], [{ botToken: 'no-colon' }], [{ botToken: '123:abc/../getMe' }], [{ botToken: 'abc:def' }]])('refuses %j with INVALID_CONFIG', (input) => {
    expect(() => parseConfig(input)).toThrow(ChannelError);
    try {
      parseConfig(input);
    } catch (err) {
      expect((err as ChannelError).code).toBe('INVALID_CONFIG');
    }
  });

  it('both token and webhook secret are secrets', () => {
    expect(secretFields).toEqual(['botToken', 'webhookSecret']);
  });
});

describe('settings', () => {
  it('TELEGRAM_API_URL defaults to api.telegram.org, without trailing slash', () => {
    expect(apiBaseUrl(settings({}))).toBe('https://api.telegram.org');
    expect(apiBaseUrl(settings({ TELEGRAM_API_URL: 'http://127.0.0.1:9000/' }))).toBe('http://127.0.0.1:9000');
  });

  it('the webhook URL is PUBLIC_URL/webhooks/telegram/<channelId>', () => {
    expect(webhookUrl(settings({ PUBLIC_URL: 'https://crm.example.com/' }), 'ch_1')).toBe('https://crm.example.com/webhooks/telegram/ch_1');
    expect(() => webhookUrl(settings({}), 'ch_1')).toThrow(/PUBLIC_URL/);
  });
});

describe('lossless JSON', () => {
  it('keeps unsafe integers as exact strings, everything else as JSON.parse does', () => {
    expect(parseJsonLosslessly('{"a":-1009007199254740993,"b":12,"c":1.5,"d":"9007199254740993","e":1e3,"f":[9007199254740993]}')).toEqual({
      a: '-1009007199254740993',
      b: 12,
      c: 1.5,
      d: '9007199254740993',
      e: 1000,
      f: ['9007199254740993'],
    });
    expect(parseJsonLosslessly('{"s":"quote \\" 9007199254740993 inside"}')).toEqual({ s: 'quote " 9007199254740993 inside' });
    expect(() => parseJsonLosslessly('{')).toThrow(SyntaxError);
  });

  it('idString and idParam', () => {
    expect(idString(-1001319789908)).toBe('-1001319789908');
    expect(idString('-1009007199254740993')).toBe('-1009007199254740993');
    expect(idString(1.5)).toBeNull();
    expect(idString('abc')).toBeNull();
    expect(idParam('-1001319789908')).toBe(-1001319789908);
    expect(idParam('-1009007199254740993')).toBe('-1009007199254740993');
  });
});
