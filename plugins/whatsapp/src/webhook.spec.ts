import { makeWebhookRequest, signMetaPayload } from '@parley/sdk';
import { describe, expect, it } from 'vitest';
import { readFixtureBytes, readFixtureJson } from '../../../testing/fixtures.js';
import { handleHandshake, safeEqual, verifySignature, verifyWebhook } from './webhook.js';

const settings = (values: Record<string, string | undefined>) => ({ setting: (name: string) => values[name] });

describe('handshake (webhook_verification_get__meta_docs.json)', () => {
  const fixture = readFixtureJson('whatsapp', 'webhook_verification_get__meta_docs.json');
  const runtime = settings({ META_VERIFY_TOKEN: fixture.query['hub.verify_token'] });

  it('echoes hub.challenge as text/plain when the verify token matches', () => {
    const res = handleHandshake(makeWebhookRequest('', { method: 'GET', query: fixture.query }), runtime);
    expect(res).toEqual({ status: fixture.expected_response.status, body: fixture.expected_response.body, contentType: 'text/plain' });
  });

  it('answers 403 to a wrong token, a wrong mode, or when no verify token is configured', () => {
    const wrongToken = { ...fixture.query, 'hub.verify_token': 'meatyhamhocks' };
    expect(handleHandshake(makeWebhookRequest('', { method: 'GET', query: wrongToken }), runtime)?.status).toBe(403);
    const wrongMode = { ...fixture.query, 'hub.mode': 'unsubscribe' };
    expect(handleHandshake(makeWebhookRequest('', { method: 'GET', query: wrongMode }), runtime)?.status).toBe(403);
    expect(handleHandshake(makeWebhookRequest('', { method: 'GET', query: fixture.query }), settings({}))?.status).toBe(403);
  });

  it('returns null for requests that are not a handshake', () => {
    expect(handleHandshake(makeWebhookRequest('{}', { method: 'POST', query: fixture.query }), runtime)).toBeNull();
    expect(handleHandshake(makeWebhookRequest('', { method: 'GET' }), runtime)).toBeNull();
  });
});

describe('signature (webhook_signature_x_hub_signature_256__computed.json)', () => {
  const fixture = readFixtureJson('whatsapp', 'webhook_signature_x_hub_signature_256__computed.json');
  const rawBody = readFixtureBytes('whatsapp', fixture.body_file.replace(/^whatsapp\//, ''));
  const header: string = fixture.headers['X-Hub-Signature-256'];
  const runtime = settings({ META_APP_SECRET: fixture.app_secret });

  it('verifies the computed signature over the exact fixture bytes', () => {
    expect(verifySignature(rawBody, header, fixture.app_secret)).toBe(true);
    expect(verifyWebhook(makeWebhookRequest(rawBody, { headers: fixture.headers }), runtime)).toBe(true);
  });

  it('agrees with the SDK signer', () => {
    expect(signMetaPayload(rawBody, fixture.app_secret)).toBe(header);
  });

  it('fails when one byte of the body changes', () => {
    const tampered = Buffer.from(rawBody);
    tampered[tampered.length - 10] = tampered[tampered.length - 10]! ^ 0x01;
    expect(verifySignature(tampered, header, fixture.app_secret)).toBe(false);
    // Re-serialised JSON (same content, different bytes) fails too: the check is over raw bytes.
    expect(verifySignature(Buffer.from(JSON.stringify(JSON.parse(rawBody.toString()))), header, fixture.app_secret)).toBe(false);
  });

  it('fails when the header is missing, malformed, or for another secret', () => {
    expect(verifyWebhook(makeWebhookRequest(rawBody), runtime)).toBe(false);
    expect(verifySignature(rawBody, undefined, fixture.app_secret)).toBe(false);
    expect(verifySignature(rawBody, header.replace('sha256=', ''), fixture.app_secret)).toBe(false);
    expect(verifySignature(rawBody, header.replace('sha256=', 'sha1='), fixture.app_secret)).toBe(false);
    expect(verifySignature(rawBody, header.slice(0, -2), fixture.app_secret)).toBe(false);
    expect(verifySignature(rawBody, `${header}00`, fixture.app_secret)).toBe(false);
    expect(verifySignature(rawBody, header, 'another_secret')).toBe(false);
  });

  it('fails when META_APP_SECRET is unset', () => {
    expect(verifySignature(rawBody, header, undefined)).toBe(false);
    expect(verifySignature(rawBody, header, '')).toBe(false);
    expect(verifyWebhook(makeWebhookRequest(rawBody, { headers: fixture.headers }), settings({}))).toBe(false);
  });
});

describe('safeEqual', () => {
  it('compares strings of any length', () => {
    expect(safeEqual('abc', 'abc')).toBe(true);
    expect(safeEqual('abc', 'abd')).toBe(false);
    expect(safeEqual('abc', 'abcd')).toBe(false);
    expect(safeEqual('', '')).toBe(true);
  });
});
