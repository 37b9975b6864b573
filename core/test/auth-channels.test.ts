import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, connectWhatsApp, signup, startTestParley, type TestParley } from './harness.js';

let t: TestParley;
beforeAll(async () => {
  t = await startTestParley();
});
afterAll(async () => {
  await t?.close();
});

describe('health and OpenAPI', () => {
  it('answers /health once migrations ran', async () => {
    expect(await api(t.url, 'GET', '/health')).toMatchObject({ status: 200, body: { status: 'ok' } });
  });
  it('serves OpenAPI JSON with the public paths', async () => {
    const r = await api(t.url, 'GET', '/api/openapi.json');
    expect(r.status).toBe(200);
    expect(Object.keys(r.body.paths)).toEqual(expect.arrayContaining(['/api/v1/auth/signup', '/api/v1/chats/{id}/messages', '/api/v1/channels']));
    expect((await fetch(`${t.url}/api/docs`)).status).toBe(200);
  });
});

describe('signup and login', () => {
  it('creates tenant, owner and the default Sales funnel', async () => {
    const r = await api(t.url, 'POST', '/api/v1/auth/signup', { body: { tenantName: 'Globex', name: 'Gina', email: 'Gina@Globex.test', password: 'long enough pw' } });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ user: { name: 'Gina', email: 'gina@globex.test', role: 'owner' }, tenant: { name: 'Globex' } });
    expect(typeof r.body.accessToken).toBe('string');
    const funnels = await api(t.url, 'GET', '/api/v1/funnels', { token: r.body.accessToken });
    expect(funnels.body.data).toHaveLength(1);
    expect(funnels.body.data[0].name).toBe('Sales');
    expect(funnels.body.data[0].stages.map((s: { name: string }) => s.name)).toEqual(['New', 'In progress', 'Won', 'Lost']);

    const login = await api(t.url, 'POST', '/api/v1/auth/login', { body: { email: 'gina@globex.test', password: 'long enough pw' } });
    expect(login.status).toBe(200);
    expect(login.body.tenant.id).toBe(r.body.tenant.id);
  });

  it('refuses duplicates, wrong passwords and invalid bodies with the error shape', async () => {
    const body = { tenantName: 'Dup', name: 'D', email: 'dup@example.test', password: 'long enough pw' };
    expect((await api(t.url, 'POST', '/api/v1/auth/signup', { body })).status).toBe(201);
    const dup = await api(t.url, 'POST', '/api/v1/auth/signup', { body });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('EMAIL_TAKEN');
    const bad = await api(t.url, 'POST', '/api/v1/auth/login', { body: { email: 'dup@example.test', password: 'nope' } });
    expect(bad).toMatchObject({ status: 401, body: { error: { code: 'INVALID_CREDENTIALS' } } });
    const invalid = await api(t.url, 'POST', '/api/v1/auth/signup', { body: { email: 'x' } });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.code).toBe('VALIDATION_FAILED');
    expect(invalid.body.error.details.issues.length).toBeGreaterThan(0);
    const malformed = await fetch(`${t.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"email":' });
    expect(malformed.status).toBe(400);
    expect((await malformed.json()).error.code).toBe('VALIDATION_FAILED');
  });

  it('requires a valid bearer token', async () => {
    expect((await api(t.url, 'GET', '/api/v1/chats')).body.error.code).toBe('UNAUTHENTICATED');
    expect((await api(t.url, 'GET', '/api/v1/chats', { token: 'forged' })).status).toBe(401);
  });
});

describe('users and roles', () => {
  it('owner creates admins and agents; agents cannot create users or channels', async () => {
    const owner = await signup(t.url);
    const agent = await api(t.url, 'POST', '/api/v1/users', { token: owner.accessToken, body: { name: 'Al', email: `al-${owner.tenant.id}@x.test`, password: 'agent password', role: 'agent' } });
    expect(agent.status).toBe(201);
    expect(agent.body.role).toBe('agent');
    const agentLogin = await api(t.url, 'POST', '/api/v1/auth/login', { body: { email: `al-${owner.tenant.id}@x.test`, password: 'agent password' } });
    const tok = agentLogin.body.accessToken;
    const r = await api(t.url, 'POST', '/api/v1/users', { token: tok, body: { name: 'B', email: `b-${owner.tenant.id}@x.test`, password: 'agent password', role: 'agent' } });
    expect(r).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });
    const ch = await api(t.url, 'POST', '/api/v1/channels', { token: tok, body: { type: 'whatsapp', name: 'x', config: {} } });
    expect(ch).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });
    const users = await api(t.url, 'GET', '/api/v1/users', { token: tok });
    expect(users.body.data.map((u: { role: string }) => u.role).sort()).toEqual(['agent', 'owner']);
  });

  it('enforces the plan user limit (10 users)', async () => {
    const owner = await signup(t.url);
    for (let i = 0; i < 9; i++) {
      const r = await api(t.url, 'POST', '/api/v1/users', { token: owner.accessToken, body: { name: `U${i}`, email: `u${i}-${owner.tenant.id}@x.test`, password: 'agent password', role: 'agent' } });
      expect(r.status).toBe(201);
    }
    const over = await api(t.url, 'POST', '/api/v1/users', { token: owner.accessToken, body: { name: 'U10', email: `u10-${owner.tenant.id}@x.test`, password: 'agent password', role: 'agent' } });
    expect(over).toMatchObject({ status: 403, body: { error: { code: 'PLAN_LIMIT_REACHED' } } });
  });
});

describe('channels', () => {
  it('connects WhatsApp, encrypts the token at rest and never returns it', async () => {
    const owner = await signup(t.url);
    const { channel, accessToken, phoneNumberId } = await connectWhatsApp(t, owner.accessToken);
    expect(channel).toMatchObject({ type: 'whatsapp', name: 'Main number', status: 'connected', accountId: phoneNumberId });
    expect(JSON.stringify(channel)).not.toContain(accessToken);
    const got = await api(t.url, 'GET', `/api/v1/channels/${channel.id}`, { token: owner.accessToken });
    expect(JSON.stringify(got.body)).not.toContain(accessToken);
    const rows = await t.parley.app.get((await import('../src/database/database.service.js')).Database).manager.query('SELECT secrets_enc, config_json FROM channels WHERE id = ?', [channel.id]);
    expect(rows[0].secrets_enc).toMatch(/^v1:/);
    expect(rows[0].secrets_enc).not.toContain(accessToken);
    expect(rows[0].config_json).not.toContain(accessToken);
  });

  it('answers PLAN_LIMIT_REACHED beyond 3 WhatsApp channels', async () => {
    const owner = await signup(t.url);
    for (let i = 0; i < 3; i++) await connectWhatsApp(t, owner.accessToken);
    const id = '999000111222333';
    t.graph.registerPhoneNumber(id, { accessToken: 'EAAG-x' });
    const r = await api(t.url, 'POST', '/api/v1/channels', { token: owner.accessToken, body: { type: 'whatsapp', name: 'Fourth', config: { phoneNumberId: id, wabaId: '1', accessToken: 'EAAG-x' } } });
    expect(r).toMatchObject({ status: 403, body: { error: { code: 'PLAN_LIMIT_REACHED', details: { max: 3 } } } });
  });

  it('refuses unknown types, bad configs, rejected credentials and taken accounts', async () => {
    const owner = await signup(t.url);
    const tok = owner.accessToken;
    expect((await api(t.url, 'POST', '/api/v1/channels', { token: tok, body: { type: 'fax', name: 'x', config: {} } })).body.error.code).toBe('CHANNEL_TYPE_UNKNOWN');
    expect((await api(t.url, 'POST', '/api/v1/channels', { token: tok, body: { type: 'whatsapp', name: 'x', config: { phoneNumberId: '1' } } })).body.error.code).toBe('CHANNEL_CONFIG_INVALID');
    t.graph.registerPhoneNumber('123123123123', { accessToken: 'right' });
    const wrong = await api(t.url, 'POST', '/api/v1/channels', { token: tok, body: { type: 'whatsapp', name: 'x', config: { phoneNumberId: '123123123123', wabaId: '1', accessToken: 'wrong' } } });
    expect(wrong).toMatchObject({ status: 422, body: { error: { code: 'CHANNEL_CREDENTIALS_INVALID' } } });
    const { phoneNumberId, accessToken } = await connectWhatsApp(t, tok);
    const other = await signup(t.url);
    const taken = await api(t.url, 'POST', '/api/v1/channels', { token: other.accessToken, body: { type: 'whatsapp', name: 'x', config: { phoneNumberId, wabaId: '1', accessToken } } });
    expect(taken).toMatchObject({ status: 409, body: { error: { code: 'CHANNEL_ACCOUNT_TAKEN' } } });
  });

  it("answers 404 for another tenant's channel", async () => {
    const a = await signup(t.url);
    const b = await signup(t.url);
    const { channel } = await connectWhatsApp(t, a.accessToken);
    expect((await api(t.url, 'GET', `/api/v1/channels/${channel.id}`, { token: b.accessToken })).status).toBe(404);
    expect((await api(t.url, 'GET', '/api/v1/channels', { token: b.accessToken })).body.data).toEqual([]);
  });
});
