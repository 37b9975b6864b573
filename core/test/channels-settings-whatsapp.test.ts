/**
 * WhatsApp in Settings → Channels (issue 6): the message templates list for the inbox composer
 * (`GET /api/v1/channels/:id/templates`: approved only, paging, cache, status-webhook
 * invalidation, roles, tenant isolation) and Embedded Signup (`POST /api/v1/channels/login/whatsapp`
 * code exchange → subscribed WABA, registered number, channel created from the login session).
 * Real app over HTTP against the fake Graph API; SQLite, and MySQL/MariaDB when TEST_MYSQL_URL is set.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFixtureJson } from '../../testing/fixtures.js';
import { api, postWhatsApp, signup, startTestParley, type TestParley } from './harness.js';

const APP_ID = '1234567890123456';
let t: TestParley;
beforeAll(async () => {
  t = await startTestParley({ META_APP_ID: APP_ID, META_WHATSAPP_CONFIG_ID: '987654321098765', TYPING_MS_PER_CHAR: '0', TYPING_JITTER_MS: '1' });
});
afterAll(async () => {
  await t?.close();
});

const A = (token: string, method: string, path: string, body?: unknown) => api(t.url, method, path, { token, body });
const graphId = () => String(100000000000000 + Math.floor(Math.random() * 1e14)).slice(0, 15);
const fixtureTemplates = (): Record<string, unknown>[] => readFixtureJson('whatsapp', 'template_list_response_full__meta_docs.json').data;

async function agentOf(ownerToken: string) {
  const email = `agent-${randomBytes(4).toString('hex')}@example.test`;
  expect((await A(ownerToken, 'POST', '/api/v1/users', { name: 'Agent', email, password: 'correct horse battery', role: 'agent' })).status).toBe(201);
  return (await api(t.url, 'POST', '/api/v1/auth/login', { body: { email, password: 'correct horse battery' } })).body.accessToken as string;
}

/** A WhatsApp channel whose number belongs to a fresh WABA with `templates`. */
async function whatsappWithTemplates(token: string, templates: Record<string, unknown>[]) {
  const phoneNumberId = graphId();
  const wabaId = graphId();
  const accessToken = `EAAG-${randomBytes(6).toString('hex')}`;
  t.graph.registerPhoneNumber(phoneNumberId, { accessToken, wabaId, displayPhoneNumber: '15550783881', verifiedName: 'Acme' });
  t.graph.registerWaba(wabaId, { templates });
  const r = await A(token, 'POST', '/api/v1/channels', { type: 'whatsapp', name: 'Templates', config: { phoneNumberId, wabaId, accessToken } });
  expect(r.status).toBe(201);
  return { id: r.body.id as string, wabaId, phoneNumberId, accessToken };
}

const templateCalls = (wabaId: string) => t.graph.requests.filter((r) => r.path.endsWith(`/${wabaId}/message_templates`)).length;

/** The `message_template_status_update` fixture, retargeted at `wabaId`. */
function templateStatusWebhook(wabaId: string) {
  const body = readFixtureJson('whatsapp', 'webhook_template_status_approved__meta_docs.json');
  body.entry[0].id = wabaId;
  return body;
}

describe('GET /api/v1/channels/:id/templates', () => {
  it('answers the approved templates with components and bodyParams; any user of the tenant may read', async () => {
    const owner = await signup(t.url, 'Templates A');
    const pending = { name: 'address_update', language: 'en_US', category: 'UTILITY', status: 'PENDING', components: [{ type: 'BODY', text: 'New address {{1}}' }] };
    const wa = await whatsappWithTemplates(owner.accessToken, [...fixtureTemplates(), pending]);
    const r = await A(owner.accessToken, 'GET', `/api/v1/channels/${wa.id}/templates`);
    expect(r.status).toBe(200);
    expect(Object.keys(r.body)).toEqual(['data']);
    expect(r.body.data).toEqual([
      { name: 'reservation_confirmation', language: 'en_US', category: 'UTILITY', status: 'APPROVED', components: fixtureTemplates()[0]!.components, bodyParams: 4 },
      { name: 'coupon_expiration_reminder_number_vars', language: 'en', category: 'MARKETING', status: 'APPROVED', components: fixtureTemplates()[1]!.components, bodyParams: 2 },
    ]);
    const agent = await agentOf(owner.accessToken);
    expect((await A(agent, 'GET', `/api/v1/channels/${wa.id}/templates`)).body.data).toHaveLength(2);
    expect((await api(t.url, 'GET', `/api/v1/channels/${wa.id}/templates`)).status).toBe(401);
  });

  it("another tenant's channel or an unknown id → 404; other channel types → {data: []}", async () => {
    const a = await signup(t.url, 'Templates B');
    const b = await signup(t.url, 'Templates C');
    const wa = await whatsappWithTemplates(a.accessToken, fixtureTemplates());
    const calls = templateCalls(wa.wabaId);
    const other = await A(b.accessToken, 'GET', `/api/v1/channels/${wa.id}/templates`);
    expect(other.status).toBe(404);
    expect(other.body.error.code).toBe('NOT_FOUND');
    expect(templateCalls(wa.wabaId)).toBe(calls);
    expect((await A(a.accessToken, 'GET', '/api/v1/channels/00000000-0000-0000-0000-000000000000/templates')).status).toBe(404);
    const webchat = await A(a.accessToken, 'POST', '/api/v1/channels', { type: 'webchat', name: 'Site', config: {} });
    expect(webchat.status).toBe(201);
    expect(await A(a.accessToken, 'GET', `/api/v1/channels/${webchat.body.id}/templates`)).toMatchObject({ status: 200, body: { data: [] } });
  });

  it('reads every page of a large list', async () => {
    const owner = await signup(t.url, 'Templates D');
    const many = Array.from({ length: 150 }, (_, i) => ({ name: `promo_${i}`, language: 'es', category: 'MARKETING', status: 'APPROVED', components: [{ type: 'BODY', text: 'Hola {{1}}' }] }));
    const wa = await whatsappWithTemplates(owner.accessToken, many);
    const r = await A(owner.accessToken, 'GET', `/api/v1/channels/${wa.id}/templates`);
    expect(r.body.data).toHaveLength(150);
    expect(templateCalls(wa.wabaId)).toBe(2);
  });

  it('is cached per channel; a template status webhook of its WABA drops the cache', async () => {
    const owner = await signup(t.url, 'Templates E');
    const wa = await whatsappWithTemplates(owner.accessToken, [fixtureTemplates()[0]!]);
    expect((await A(owner.accessToken, 'GET', `/api/v1/channels/${wa.id}/templates`)).body.data).toHaveLength(1);
    expect((await A(owner.accessToken, 'GET', `/api/v1/channels/${wa.id}/templates`)).body.data).toHaveLength(1);
    expect(templateCalls(wa.wabaId)).toBe(1);

    // a new template got approved: Meta posts message_template_status_update for the WABA
    t.graph.registerWaba(wa.wabaId, { templates: fixtureTemplates() });
    expect((await postWhatsApp(t.url, templateStatusWebhook(graphId()))).status).toBe(200); // another WABA: no effect
    expect((await A(owner.accessToken, 'GET', `/api/v1/channels/${wa.id}/templates`)).body.data).toHaveLength(1);
    expect((await postWhatsApp(t.url, templateStatusWebhook(wa.wabaId))).status).toBe(200);
    const fresh = await A(owner.accessToken, 'GET', `/api/v1/channels/${wa.id}/templates`);
    expect(fresh.body.data.map((x: any) => x.name)).toEqual(['reservation_confirmation', 'coupon_expiration_reminder_number_vars']);
    expect(templateCalls(wa.wabaId)).toBe(2);
  });

  it('concurrent reads share one provider call, and a failure reaches each of them mapped', async () => {
    const owner = await signup(t.url, 'Templates G');
    const wa = await whatsappWithTemplates(owner.accessToken, fixtureTemplates());
    t.graph.setLatency(150);
    try {
      const ok = await Promise.all([1, 2, 3].map(() => A(owner.accessToken, 'GET', `/api/v1/channels/${wa.id}/templates`)));
      expect(ok.map((r) => r.body.data.length)).toEqual([2, 2, 2]);
      expect(templateCalls(wa.wabaId)).toBe(1);
      // reconnecting (new credentials) drops the cache; a refusal then reaches both concurrent readers as 422
      const reconnect = await A(owner.accessToken, 'PATCH', `/api/v1/channels/${wa.id}`, { config: { accessToken: wa.accessToken } });
      expect(reconnect.status).toBe(200);
      t.graph.failNext({ path: new RegExp(`/${wa.wabaId}/message_templates$`) }, { status: 401, body: { error: { message: 'Error validating access token', type: 'OAuthException', code: 190, fbtrace_id: 'A3' } } });
      const refused = await Promise.all([1, 2].map(() => A(owner.accessToken, 'GET', `/api/v1/channels/${wa.id}/templates`)));
      expect(refused.map((r) => [r.status, r.body.error?.code])).toEqual([[422, 'CHANNEL_CREDENTIALS_INVALID'], [422, 'CHANNEL_CREDENTIALS_INVALID']]);
      expect(templateCalls(wa.wabaId)).toBe(2);
    } finally {
      t.graph.setLatency(0);
    }
  });

  it('a refused token → 422 CHANNEL_CREDENTIALS_INVALID; a provider failure → 502; neither is cached', async () => {
    const owner = await signup(t.url, 'Templates F');
    const wa = await whatsappWithTemplates(owner.accessToken, fixtureTemplates());
    t.graph.failNext({ path: new RegExp(`/${wa.wabaId}/message_templates$`) }, { status: 401, body: { error: { message: 'Error validating access token: Session has expired', type: 'OAuthException', code: 190, error_subcode: 463, fbtrace_id: 'A1' } } });
    const refused = await A(owner.accessToken, 'GET', `/api/v1/channels/${wa.id}/templates`);
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('CHANNEL_CREDENTIALS_INVALID');
    t.graph.failNext({ path: new RegExp(`/${wa.wabaId}/message_templates$`) }, { status: 500, body: { error: { message: 'An unknown error has occurred.', type: 'OAuthException', code: 1, fbtrace_id: 'A2' } } });
    const down = await A(owner.accessToken, 'GET', `/api/v1/channels/${wa.id}/templates`);
    expect(down.status).toBe(502);
    expect(down.body.error.code).toBe('CHANNEL_PROVIDER_UNAVAILABLE');
    expect((await A(owner.accessToken, 'GET', `/api/v1/channels/${wa.id}/templates`)).body.data).toHaveLength(2);
  });
});

describe('WhatsApp Embedded Signup (POST /api/v1/channels/login/whatsapp)', () => {
  /** A number of a fresh WABA on the fake, and a one-time signup code for it. */
  function signupCode(opts: { twoStepPin?: string; grantedWabaIds?: string[] } = {}) {
    const phoneNumberId = graphId();
    const wabaId = graphId();
    t.graph.registerPhoneNumber(phoneNumberId, { accessToken: `EAAG-other-${randomBytes(4).toString('hex')}`, displayPhoneNumber: '+1 555-078-3881', verifiedName: 'Lucky Shrub', twoStepPin: opts.twoStepPin });
    const code = `AQ${randomBytes(16).toString('hex')}`;
    const businessToken = t.graph.registerEmbeddedSignupCode(code, { wabaId, phoneNumberId, appId: APP_ID, appSecret: 'test_app_secret', grantedWabaIds: opts.grantedWabaIds });
    return { phoneNumberId, wabaId, code, businessToken };
  }
  const login = (token: string, body: unknown) => A(token, 'POST', '/api/v1/channels/login/whatsapp', body);
  const created = (token: string, loginSession: string, accountId: string) => A(token, 'POST', '/api/v1/channels', { type: 'whatsapp', name: 'Signed up', config: { loginSession, accountId } });

  it('the config tells the UI how to start it (app id, configuration id, SDK)', async () => {
    const owner = await signup(t.url, 'ES config');
    const r = await A(owner.accessToken, 'GET', '/api/v1/channels/login/whatsapp/config');
    expect(r.body).toEqual({
      type: 'whatsapp', supported: true, available: true, provider: 'facebook', flow: 'embedded_signup', appId: APP_ID, configId: '987654321098765',
      sdkUrl: 'https://connect.facebook.net/en_US/sdk.js', graphVersion: 'v24.0', sessionInfoVersion: '3', dialogUrl: null, scopes: [], reason: null,
    });
  });

  it('exchanges the code, checks the grant, subscribes the WABA, registers the number; the channel is created from the sealed session', async () => {
    const owner = await signup(t.url, 'ES ok');
    const s = signupCode();
    const r = await login(owner.accessToken, { code: s.code, extras: { wabaId: s.wabaId, phoneNumberId: s.phoneNumberId, pin: '246810' } });
    expect(r.status).toBe(200);
    expect(r.body.accounts).toEqual([{ type: 'whatsapp', accountId: s.phoneNumberId, name: 'Lucky Shrub · +1 555-078-3881', pictureUrl: null, wabaId: s.wabaId, displayPhoneNumber: '+1 555-078-3881', verifiedName: 'Lucky Shrub' }]);
    expect(JSON.stringify(r.body)).not.toContain(s.businessToken);

    const exchange = t.graph.requests.find((q) => q.path.endsWith('/oauth/access_token') && q.query.code === s.code)!;
    expect(exchange.query).toEqual({ client_id: APP_ID, client_secret: 'test_app_secret', code: s.code });
    const debug = t.graph.requests.find((q) => q.path.endsWith('/debug_token') && q.query.input_token === s.businessToken)!;
    expect(debug.query.access_token).toBe(`${APP_ID}|test_app_secret`);
    expect(t.graph.wabaSubscriptions(s.wabaId)).toBe(1);
    expect(t.graph.registrations()).toContainEqual({ phoneNumberId: s.phoneNumberId, pin: '246810' });
    const register = t.graph.requests.find((q) => q.path.endsWith(`/${s.phoneNumberId}/register`))!;
    expect(register.body).toEqual({ messaging_product: 'whatsapp', pin: '246810' });
    expect(register.headers.authorization).toBe(`Bearer ${s.businessToken}`);

    const c = await created(owner.accessToken, r.body.loginSession, s.phoneNumberId);
    expect(c.status).toBe(201);
    expect(c.body).toMatchObject({ type: 'whatsapp', accountId: s.phoneNumberId, status: 'connected', config: { phoneNumberId: s.phoneNumberId, wabaId: s.wabaId }, info: { verifiedName: 'Lucky Shrub' } });
    expect(c.body.config.accessToken).toBeUndefined();
    expect(JSON.stringify(c.body)).not.toContain(s.businessToken);
    // the stored (encrypted) token works: templates of the WABA are read with it
    t.graph.registerWaba(s.wabaId, { templates: fixtureTemplates() });
    expect((await A(owner.accessToken, 'GET', `/api/v1/channels/${c.body.id}/templates`)).body.data).toHaveLength(2);
    const tplCall = t.graph.requests.filter((q) => q.path.endsWith(`/${s.wabaId}/message_templates`)).at(-1)!;
    expect(tplCall.headers.authorization).toBe(`Bearer ${s.businessToken}`);
  });

  it('provider refusals give clear errors and create no channel', async () => {
    const owner = await signup(t.url, 'ES refused');
    const list = async () => (await A(owner.accessToken, 'GET', '/api/v1/channels')).body.data;

    const used = signupCode();
    expect((await login(owner.accessToken, { code: used.code, extras: { wabaId: used.wabaId, phoneNumberId: used.phoneNumberId, pin: '111111' } })).status).toBe(200);
    const again = await login(owner.accessToken, { code: used.code, extras: { wabaId: used.wabaId, phoneNumberId: used.phoneNumberId, pin: '111111' } });
    expect(again.status).toBe(422);
    expect(again.body.error).toMatchObject({ code: 'CHANNEL_CREDENTIALS_INVALID' });
    expect(again.body.error.message).toMatch(/signup code/);

    const otherWaba = signupCode({ grantedWabaIds: ['999999999999999'] });
    const notGranted = await login(owner.accessToken, { code: otherWaba.code, extras: { wabaId: otherWaba.wabaId, phoneNumberId: otherWaba.phoneNumberId, pin: '111111' } });
    expect(notGranted.status).toBe(422);
    expect(notGranted.body.error.message).toContain(otherWaba.wabaId);
    expect(t.graph.wabaSubscriptions(otherWaba.wabaId)).toBe(0);

    const pinned = signupCode({ twoStepPin: '135790' });
    const mismatch = await login(owner.accessToken, { code: pinned.code, extras: { wabaId: pinned.wabaId, phoneNumberId: pinned.phoneNumberId, pin: '111111' } });
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.error).toMatchObject({ code: 'CHANNEL_CONFIG_INVALID' });
    expect(mismatch.body.error.message).toMatch(/two-step verification PIN/);

    const incomplete = signupCode();
    const noNumber = await login(owner.accessToken, { code: incomplete.code, extras: { wabaId: incomplete.wabaId, pin: '111111' } });
    expect(noNumber.status).toBe(400);
    expect(noNumber.body.error.message).toMatch(/phone number/);
    const badPin = await login(owner.accessToken, { code: incomplete.code, extras: { wabaId: incomplete.wabaId, phoneNumberId: incomplete.phoneNumberId, pin: '12ab' } });
    expect(badPin.body.error).toMatchObject({ code: 'CHANNEL_CONFIG_INVALID' });
    expect((await login(owner.accessToken, { code: incomplete.code, extras: { wabaId: 7 } })).status).toBe(400);

    const down = signupCode();
    t.graph.failNext({ path: new RegExp(`/${down.wabaId}/subscribed_apps$`) }, { status: 500, body: { error: { message: 'An unexpected error has occurred. Please retry your request later.', type: 'OAuthException', code: 2, fbtrace_id: 'B1' } } });
    const unavailable = await login(owner.accessToken, { code: down.code, extras: { wabaId: down.wabaId, phoneNumberId: down.phoneNumberId, pin: '111111' } });
    expect(unavailable.status).toBe(502);
    expect(unavailable.body.error.code).toBe('CHANNEL_PROVIDER_UNAVAILABLE');

    expect(await list()).toEqual([]);
  });

  it('owner/admin only; the session is bound to the tenant; the plan limit applies as for manual connect', async () => {
    const owner = await signup(t.url, 'ES roles');
    const stranger = await signup(t.url, 'ES stranger');
    const agent = await agentOf(owner.accessToken);
    const s = signupCode();
    const body = { code: s.code, extras: { wabaId: s.wabaId, phoneNumberId: s.phoneNumberId, pin: '222222' } };
    expect((await login(agent, body)).status).toBe(403);
    expect(t.graph.requests.some((q) => q.query.code === s.code)).toBe(false);
    const r = await login(owner.accessToken, body);
    expect(r.status).toBe(200);
    expect((await created(agent, r.body.loginSession, s.phoneNumberId)).status).toBe(403);
    expect((await created(stranger.accessToken, r.body.loginSession, s.phoneNumberId)).body.error.code).toBe('CHANNEL_LOGIN_SESSION_INVALID');

    // the default plan allows 3 WhatsApp channels
    for (let i = 0; i < 3; i++) {
      const n = signupCode();
      const l = await login(owner.accessToken, { code: n.code, extras: { wabaId: n.wabaId, phoneNumberId: n.phoneNumberId, pin: '222222' } });
      expect((await created(owner.accessToken, l.body.loginSession, n.phoneNumberId)).status).toBe(201);
    }
    const limit = await created(owner.accessToken, r.body.loginSession, s.phoneNumberId);
    expect(limit.status).toBe(403);
    expect(limit.body.error.code).toBe('PLAN_LIMIT_REACHED');
    expect((await A(owner.accessToken, 'GET', '/api/v1/channels')).body.data).toHaveLength(3);
  });
});
