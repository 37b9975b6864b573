import { describe, expect, it } from 'vitest';
import { makeWebhookRequest, signMetaPayload } from '@parley/sdk';
import { readFixtureBytes } from '../../../testing/fixtures.js';
import { handleHandshake, safeEqual, verifySignature, verifyWebhook } from './webhook.js';

const settings = (s: Record<string, string>) => ({ setting: (n: string) => s[n] });
const rt = settings({ META_APP_SECRET: 'test_app_secret', META_VERIFY_TOKEN: 'vt' });

describe('handshake', () => {
  const get = (query: Record<string, string>) => makeWebhookRequest('', { method: 'GET', query });
  it('echoes hub.challenge for the right token, 403 otherwise, null when not a handshake', () => {
    expect(handleHandshake(get({ 'hub.mode': 'subscribe', 'hub.verify_token': 'vt', 'hub.challenge': '1158201444' }), rt)).toEqual({ status: 200, body: '1158201444', contentType: 'text/plain' });
    expect(handleHandshake(get({ 'hub.mode': 'subscribe', 'hub.verify_token': 'no', 'hub.challenge': '1' }), rt)?.status).toBe(403);
    expect(handleHandshake(get({ 'hub.mode': 'subscribe', 'hub.verify_token': 'vt', 'hub.challenge': '1' }), settings({}))?.status).toBe(403);
    expect(handleHandshake(get({ 'hub.mode': 'subscribe', 'hub.verify_token': 'vt' }), rt)?.status).toBe(400);
    expect(handleHandshake(get({}), rt)).toBeNull();
    expect(handleHandshake(makeWebhookRequest('{}'), rt)).toBeNull();
  });
});

describe('X-Hub-Signature-256', () => {
  const raw = readFixtureBytes('instagram', 'webhook_text__captured_public_repo.json');
  it('accepts the HMAC of the exact bytes, in either hex case', () => {
    const sig = signMetaPayload(raw, 'test_app_secret');
    expect(verifyWebhook(makeWebhookRequest(raw, { headers: { 'X-Hub-Signature-256': sig } }), rt)).toBe(true);
    expect(verifySignature(raw, `sha256=${sig.slice(7).toUpperCase()}`, 'test_app_secret')).toBe(true);
  });
  it('refuses other bytes, other secrets, missing or malformed headers, and an unset secret', () => {
    const sig = signMetaPayload(raw, 'test_app_secret');
    expect(verifySignature(Buffer.concat([raw, Buffer.from(' ')]), sig, 'test_app_secret')).toBe(false);
    expect(verifySignature(raw, signMetaPayload(raw, 'other'), 'test_app_secret')).toBe(false);
    expect(verifySignature(raw, undefined, 'test_app_secret')).toBe(false);
    expect(verifySignature(raw, 'sha1=abc', 'test_app_secret')).toBe(false);
    expect(verifySignature(raw, sig, undefined)).toBe(false);
    expect(safeEqual('a', 'ab')).toBe(false);
  });
});
