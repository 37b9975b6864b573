import { makeWebhookRequest } from '@parley/sdk';
import { describe, expect, it } from 'vitest';
import { readFixtureBytes, readFixtureJson } from '../../../testing/fixtures.js';
import { telegramChannel } from './channel.js';
import { generateWebhookSecret, safeEqual, SECRET_TOKEN_PATTERN, verifyWebhook } from './webhook.js';

const descriptor = readFixtureJson('telegram', 'webhook_post_headers__bot_api_docs.json');
const secret = descriptor.headers['X-Telegram-Bot-Api-Secret-Token'] as string;
const body = readFixtureBytes('telegram', descriptor.body_file.replace(/^telegram\//, ''));
const runtime = { setting: () => undefined, fetch, logger: console };

describe('verifyWebhook (webhook_post_headers__bot_api_docs.json)', () => {
  it('accepts the documented header with the channel secret (header names are case-insensitive)', () => {
    const req = makeWebhookRequest(body, { headers: descriptor.headers });
    expect(verifyWebhook(req, { webhookSecret: secret })).toBe(true);
    expect(telegramChannel.webhook.verify(req, runtime, { botToken: '1:a', webhookSecret: secret })).toBe(true);
  });

  it('refuses a wrong, missing or empty secret, and channels without one', () => {
    expect(verifyWebhook(makeWebhookRequest(body, { headers: { 'X-Telegram-Bot-Api-Secret-Token': `${secret}x` } }), { webhookSecret: secret })).toBe(false);
    expect(verifyWebhook(makeWebhookRequest(body, { headers: { 'X-Telegram-Bot-Api-Secret-Token': 'my_secret-TOKEN_124' } }), { webhookSecret: secret })).toBe(false);
    expect(verifyWebhook(makeWebhookRequest(body), { webhookSecret: secret })).toBe(false);
    expect(verifyWebhook(makeWebhookRequest(body, { headers: { 'X-Telegram-Bot-Api-Secret-Token': '' } }), { webhookSecret: '' })).toBe(false);
    expect(verifyWebhook(makeWebhookRequest(body, { headers: descriptor.headers }), { botToken: '1:a' })).toBe(false);
    expect(verifyWebhook(makeWebhookRequest(body, { headers: descriptor.headers }), undefined)).toBe(false);
  });

  it('the parsed body of the descriptor is the documented text update', () => {
    expect(telegramChannel.webhook.parse(makeWebhookRequest(body), runtime)).toMatchObject([{ type: 'text', text: '/start' }]);
  });
});

describe('secrets', () => {
  it('generated secrets fit the Bot API alphabet and differ', () => {
    const a = generateWebhookSecret();
    const b = generateWebhookSecret();
    expect(a).toMatch(SECRET_TOKEN_PATTERN);
    expect(a).toHaveLength(48);
    expect(a).not.toBe(b);
    expect(SECRET_TOKEN_PATTERN.test(secret)).toBe(true);
  });

  it('safeEqual', () => {
    expect(safeEqual('abc', 'abc')).toBe(true);
    expect(safeEqual('abc', 'abd')).toBe(false);
    expect(safeEqual('abc', 'abcd')).toBe(false);
  });
});
