/**
 * TRUST_PROXY: behind a proxy (TRUST_PROXY=1) the web-chat per-IP limiter keys on the
 * X-Forwarded-For client address; by default the header is ignored (peer address).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig, ConfigError, parseTrustProxy } from '../src/config/config.js';
import { api, signup, startTestParley, type TestParley } from './harness.js';

const started: TestParley[] = [];
afterAll(async () => {
  for (const t of started) await t.close();
});

/** Boots Parley with `env`, returns it and a web-chat channel id. */
async function bootWithWebchat(env: Record<string, string>) {
  const t = await startTestParley({ JOBS_PROCESSOR: '0', ...env });
  started.push(t);
  const owner = await signup(t.url, 'Proxy');
  const r = await api(t.url, 'POST', '/api/v1/channels', { token: owner.accessToken, body: { type: 'webchat', name: 'Site', config: {} } });
  expect(r.status).toBe(201);
  return { t, channelId: r.body.id as string };
}

/** Starts `n` visitor sessions with the given X-Forwarded-For per call; returns the statuses. */
async function newVisitors(t: TestParley, channelId: string, forwardedFor: (i: number) => string, n: number): Promise<number[]> {
  const codes: number[] = [];
  for (let i = 0; i < n; i++) codes.push((await api(t.url, 'POST', `/webchat/${channelId}/visitors`, { body: {}, headers: { 'x-forwarded-for': forwardedFor(i) } })).status);
  return codes;
}

describe('TRUST_PROXY', () => {
  // the limiter allows bursts of 10 new visitor sessions per address
  it('=1: the web-chat limiter uses the X-Forwarded-For client address', async () => {
    const { t, channelId } = await bootWithWebchat({ TRUST_PROXY: '1' });
    expect(await newVisitors(t, channelId, (i) => `203.0.113.${i + 1}`, 12)).toEqual(Array(12).fill(201));
    const same = await newVisitors(t, channelId, () => '198.51.100.7', 12);
    expect(same.slice(0, 10)).toEqual(Array(10).fill(201));
    expect(same.slice(10)).toEqual([429, 429]);
    // a client-supplied extra hop in front is not trusted: with one hop the last address counts
    expect(await newVisitors(t, channelId, (i) => `10.9.9.${i}, 198.51.100.7`, 1)).toEqual([429]);
  });

  it('unset: X-Forwarded-For is ignored (every request comes from the peer address)', async () => {
    const { t, channelId } = await bootWithWebchat({});
    const codes = await newVisitors(t, channelId, (i) => `203.0.113.${i + 1}`, 12);
    expect(codes.slice(0, 10)).toEqual(Array(10).fill(201));
    expect(codes.slice(10)).toEqual([429, 429]);
  });

  it('parses hops, booleans and subnet lists, and refuses anything else', () => {
    expect(parseTrustProxy('false')).toBe(false);
    expect(parseTrustProxy('')).toBe(false);
    expect(parseTrustProxy('true')).toBe(true);
    expect(parseTrustProxy('2')).toBe(2);
    expect(parseTrustProxy('10.0.0.0/8, loopback, fd00::/8,192.168.1.1')).toEqual(['10.0.0.0/8', 'loopback', 'fd00::/8', '192.168.1.1']);
    for (const bad of ['nginx', '10.0.0.0/33', '1.2.3', 'yes', '-1']) expect(parseTrustProxy(bad)).toBeUndefined();
    expect(() => loadConfig({ TRUST_PROXY: 'nginx', JWT_SECRET: 's', ENCRYPTION_KEY: 'ab'.repeat(32) })).toThrow(ConfigError);
    expect(loadConfig({ JWT_SECRET: 's', ENCRYPTION_KEY: 'ab'.repeat(32) }).trustProxy).toBe(false);
  });
});
