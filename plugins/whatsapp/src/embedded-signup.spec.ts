/**
 * Embedded Signup's server side against the fake Graph API over real HTTP: the call sequence
 * (code exchange, debug_token, subscribed_apps, register, number details), the resulting login
 * account, and each refusal.
 */
import { ChannelError, loadPluginForTest, type ChannelDefinition, type PluginRuntime } from '@parley/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { startFakeGraphApi, type FakeGraphApi } from '../../../testing/fake-graph-api.js';
import plugin, { embeddedSignupClientConfig, embeddedSignupInput, exchangeEmbeddedSignup, type WhatsAppConfig } from './index.js';

const APP_ID = '1234567890123456';
const APP_SECRET = 'app-secret';
const PHONE = '111598575218611';
const WABA = '119496914420376';

let graph: FakeGraphApi;
const settings = (extra: Record<string, string | undefined> = {}): Record<string, string | undefined> => ({
  META_GRAPH_URL: graph.url, META_APP_ID: APP_ID, META_APP_SECRET: APP_SECRET, META_WHATSAPP_CONFIG_ID: '987654321098765', ...extra,
});
const runtime = (extra: Record<string, string | undefined> = {}): PluginRuntime => {
  const s = settings(extra);
  return { setting: (n) => s[n], fetch, logger: { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() } };
};
const extras = (over: Record<string, string> = {}) => ({ wabaId: WABA, phoneNumberId: PHONE, pin: '135790', ...over });
async function refusal(p: Promise<unknown>): Promise<ChannelError> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(ChannelError);
  return err as ChannelError;
}

beforeAll(async () => {
  graph = await startFakeGraphApi();
});
afterAll(() => graph.close());
beforeEach(() => {
  graph.reset();
  graph.registerPhoneNumber(PHONE, { accessToken: 'EAAG-unrelated', displayPhoneNumber: '+1 555-078-3881', verifiedName: 'Lucky Shrub' });
});

describe('the whatsapp channel declares the login', () => {
  it('has login.exchange and login.clientConfig', async () => {
    const host = await loadPluginForTest(plugin, settings());
    const channel = host.channels.get('whatsapp') as ChannelDefinition<WhatsAppConfig>;
    expect(channel.login?.exchange).toBe(exchangeEmbeddedSignup);
    expect(channel.login?.clientConfig?.(runtime())).toMatchObject({ provider: 'facebook', flow: 'embedded_signup', available: true, appId: APP_ID, configId: '987654321098765' });
  });
});

describe('embeddedSignupClientConfig', () => {
  it('is unavailable, naming what is missing, without the app id, secret or configuration', () => {
    const cfg = embeddedSignupClientConfig(runtime({ META_WHATSAPP_CONFIG_ID: undefined, META_APP_SECRET: undefined }));
    expect(cfg).toMatchObject({ available: false, configId: null, appId: APP_ID, graphVersion: 'v24.0', sdkUrl: 'https://connect.facebook.net/en_US/sdk.js' });
    expect(cfg.reason).toBe('Embedded Signup needs META_APP_SECRET, META_WHATSAPP_CONFIG_ID on the server; connect with manual credentials instead');
  });
});

describe('embeddedSignupInput', () => {
  it('requires numeric ids and a 6-digit PIN', () => {
    expect(embeddedSignupInput(extras({ wabaId: ` ${WABA} ` }))).toEqual({ wabaId: WABA, phoneNumberId: PHONE, pin: '135790' });
    for (const bad of [undefined, { phoneNumberId: PHONE, pin: '135790' }, extras({ phoneNumberId: '' }), extras({ pin: '12345' }), extras({ pin: '1234567' }), extras({ wabaId: '../me' })]) {
      expect(() => embeddedSignupInput(bad)).toThrow(ChannelError);
    }
  });
});

describe('exchangeEmbeddedSignup', () => {
  it('exchanges the code, checks the grant, subscribes the WABA, registers the number, and returns one account', async () => {
    const token = graph.registerEmbeddedSignupCode('AQ-code', { wabaId: WABA, phoneNumberId: PHONE, appId: APP_ID, appSecret: APP_SECRET });
    const accounts = await exchangeEmbeddedSignup({ code: 'AQ-code', extras: extras() }, runtime());
    expect(accounts).toEqual([
      { type: 'whatsapp', accountId: PHONE, name: 'Lucky Shrub · +1 555-078-3881', pictureUrl: null, config: { phoneNumberId: PHONE, wabaId: WABA, accessToken: token }, info: { wabaId: WABA, displayPhoneNumber: '+1 555-078-3881', verifiedName: 'Lucky Shrub' } },
    ]);
    expect(graph.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /v24.0/oauth/access_token',
      'GET /v24.0/debug_token',
      `POST /v24.0/${WABA}/subscribed_apps`,
      `POST /v24.0/${PHONE}/register`,
      `GET /v24.0/${PHONE}`,
    ]);
    const [exchange, debug, subscribe, register, details] = graph.requests;
    expect(exchange!.query).toEqual({ client_id: APP_ID, client_secret: APP_SECRET, code: 'AQ-code' });
    expect(exchange!.headers.authorization).toBeUndefined();
    expect(debug!.query).toEqual({ input_token: token, access_token: `${APP_ID}|${APP_SECRET}` });
    for (const r of [subscribe, register, details]) expect(r!.headers.authorization).toBe(`Bearer ${token}`);
    expect(register!.body).toEqual({ messaging_product: 'whatsapp', pin: '135790' });
    expect(details!.query.fields).toBe('display_phone_number,verified_name');
    expect(graph.wabaSubscriptions(WABA)).toBe(1);
  });

  it('a used or unknown code → INVALID_CREDENTIALS, nothing else called', async () => {
    graph.registerEmbeddedSignupCode('AQ-once', { wabaId: WABA, phoneNumberId: PHONE });
    await exchangeEmbeddedSignup({ code: 'AQ-once', extras: extras() }, runtime());
    graph.reset();
    const err = await refusal(exchangeEmbeddedSignup({ code: 'AQ-once', extras: extras() }, runtime()));
    expect(err.code).toBe('INVALID_CREDENTIALS');
    expect(err.message).toMatch(/signup code/);
    expect(graph.requests).toHaveLength(1);
  });

  it('a WABA the signup did not grant → INVALID_CREDENTIALS before any change', async () => {
    graph.registerEmbeddedSignupCode('AQ-other', { wabaId: WABA, phoneNumberId: PHONE, grantedWabaIds: ['222222222222222'] });
    const err = await refusal(exchangeEmbeddedSignup({ code: 'AQ-other', extras: extras() }, runtime()));
    expect(err.code).toBe('INVALID_CREDENTIALS');
    expect(err.message).toContain(WABA);
    expect(graph.wabaSubscriptions(WABA)).toBe(0);
    expect(graph.registrations()).toEqual([]);
  });

  it('a failing debug_token call is logged and skipped', async () => {
    graph.registerEmbeddedSignupCode('AQ-dbg', { wabaId: WABA, phoneNumberId: PHONE });
    graph.failNext({ path: /\/debug_token$/ }, { status: 500, body: { error: { message: 'Please retry', type: 'OAuthException', code: 2, fbtrace_id: 'x' } } });
    const rt = runtime();
    expect(await exchangeEmbeddedSignup({ code: 'AQ-dbg', extras: extras() }, rt)).toHaveLength(1);
    expect(rt.logger.warn).toHaveBeenCalled();
  });

  it('another two-step PIN on the number → INVALID_CONFIG naming the PIN', async () => {
    graph.registerPhoneNumber(PHONE, { accessToken: 'EAAG-unrelated', twoStepPin: '000111' });
    graph.registerEmbeddedSignupCode('AQ-pin', { wabaId: WABA, phoneNumberId: PHONE });
    const err = await refusal(exchangeEmbeddedSignup({ code: 'AQ-pin', extras: extras() }, runtime()));
    expect(err.code).toBe('INVALID_CONFIG');
    expect(err.providerCode).toBe(133005);
    expect(err.message).toMatch(/two-step verification PIN/);
  });

  it('without META_APP_ID / META_APP_SECRET → INVALID_CONFIG, no call', async () => {
    const err = await refusal(exchangeEmbeddedSignup({ code: 'x', extras: extras() }, runtime({ META_APP_ID: undefined })));
    expect(err.code).toBe('INVALID_CONFIG');
    expect(graph.requests).toHaveLength(0);
  });

  it('a Graph outage while subscribing stays retryable (TEMPORARY)', async () => {
    graph.registerEmbeddedSignupCode('AQ-down', { wabaId: WABA, phoneNumberId: PHONE });
    graph.failNext({ path: /subscribed_apps$/ }, { status: 503, body: { error: { message: 'Service temporarily unavailable', type: 'OAuthException', code: 2, fbtrace_id: 'y' } } });
    const err = await refusal(exchangeEmbeddedSignup({ code: 'AQ-down', extras: extras() }, runtime()));
    expect(err.code).toBe('TEMPORARY');
    expect(graph.registrations()).toEqual([]);
  });
});
