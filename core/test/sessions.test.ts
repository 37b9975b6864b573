/**
 * Revocable sessions: POST /api/v1/auth/logout ends only the presented token (HTTP and sockets),
 * POST /api/v1/auth/logout-all every session of the user; tokens from before the upgrade still
 * work; the per-request check is one indexed read; expired revocations are pruned.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import jwt from 'jsonwebtoken';
import { io, type Socket } from 'socket.io-client';
import { Database } from '../src/database/database.service.js';
import { RetentionService } from '../src/ops/retention.service.js';
import { SESSION_STATE_SQL } from '../src/tenancy/tenancy.repository.js';
import { api, startTestParley, type TestParley } from './harness.js';

const PASSWORD = 'correct horse battery';

function connect(url: string, token: string): Promise<Socket> {
  const socket = io(url, { auth: { token }, transports: ['websocket'], reconnection: false });
  return new Promise((resolve, reject) => {
    socket.on('connect', () => resolve(socket));
    socket.on('connect_error', (err) => {
      socket.close();
      reject(err);
    });
  });
}

describe('revocable sessions', () => {
  let t: TestParley;
  let n = 0;

  beforeAll(async () => {
    t = await startTestParley({ JOBS_PROCESSOR: '0' });
  });
  afterAll(async () => {
    await t?.close();
  });

  /** Signs up a user and returns a second, independent session of it too. */
  async function twoSessions() {
    const email = `sessions${++n}-${Date.now()}@example.test`;
    const s = await api(t.url, 'POST', '/api/v1/auth/signup', { body: { tenantName: `S ${n}`, name: 'Owner', email, password: PASSWORD } });
    expect(s.status).toBe(201);
    const l = await api(t.url, 'POST', '/api/v1/auth/login', { body: { email, password: PASSWORD } });
    expect(l.status).toBe(200);
    expect(l.body.accessToken).not.toBe(s.body.accessToken);
    return { a: s.body.accessToken as string, b: l.body.accessToken as string, email, userId: s.body.user.id as string, tenantId: s.body.tenant.id as string };
  }

  it('a signed-out token gets 401 with the error body; the other session keeps working', async () => {
    const { a, b } = await twoSessions();
    expect((await api(t.url, 'GET', '/api/v1/auth/me', { token: a })).status).toBe(200);
    const out = await api(t.url, 'POST', '/api/v1/auth/logout', { token: a });
    expect(out.status).toBe(204);
    for (const path of ['/api/v1/auth/me', '/api/v1/chats', '/api/v1/users']) {
      const r = await api(t.url, 'GET', path, { token: a });
      expect(r.status).toBe(401);
      expect(r.body).toEqual({ error: { code: 'UNAUTHENTICATED', message: expect.any(String) } });
    }
    expect((await api(t.url, 'POST', '/api/v1/auth/logout', { token: a })).status).toBe(401);
    expect((await api(t.url, 'GET', '/api/v1/auth/me', { token: b })).status).toBe(200);
    expect((await api(t.url, 'GET', '/api/v1/chats', { token: b })).status).toBe(200);
  });

  it('logout disconnects the sockets of that token only, and refuses its next handshake', async () => {
    const { a, b } = await twoSessions();
    const sa = await connect(t.url, a);
    const sb = await connect(t.url, b);
    try {
      const gone = new Promise<string>((r) => sa.on('disconnect', (reason) => r(reason)));
      expect((await api(t.url, 'POST', '/api/v1/auth/logout', { token: a })).status).toBe(204);
      expect(await gone).toBe('io server disconnect');
      await expect(connect(t.url, a)).rejects.toThrow('UNAUTHENTICATED');
      // the other session's socket is still there and a new one is accepted
      expect(sb.connected).toBe(true);
      (await connect(t.url, b)).close();
    } finally {
      sa.close();
      sb.close();
    }
  });

  it('logout-all ends every session of the user (HTTP and sockets); signing in again works', async () => {
    const { a, b, email } = await twoSessions();
    const sb = await connect(t.url, b);
    try {
      const gone = new Promise<string>((r) => sb.on('disconnect', (reason) => r(reason)));
      expect((await api(t.url, 'POST', '/api/v1/auth/logout-all', { token: a })).status).toBe(204);
      expect(await gone).toBe('io server disconnect');
    } finally {
      sb.close();
    }
    for (const token of [a, b]) expect((await api(t.url, 'GET', '/api/v1/auth/me', { token })).body.error.code).toBe('UNAUTHENTICATED');
    await expect(connect(t.url, b)).rejects.toThrow('UNAUTHENTICATED');
    const again = await api(t.url, 'POST', '/api/v1/auth/login', { body: { email, password: PASSWORD } });
    expect((await api(t.url, 'GET', '/api/v1/auth/me', { token: again.body.accessToken })).status).toBe(200);
  });

  it('accepts tokens issued before the upgrade (no jti, no ver); their logout ends all sessions of the user', async () => {
    const { b, userId, tenantId } = await twoSessions();
    const legacy = jwt.sign({ tid: tenantId, role: 'owner' }, t.parley.config.jwtSecret, { subject: userId, expiresIn: 3600, algorithm: 'HS256' });
    expect((await api(t.url, 'GET', '/api/v1/auth/me', { token: legacy })).status).toBe(200);
    expect((await api(t.url, 'POST', '/api/v1/auth/logout', { token: legacy })).status).toBe(204);
    expect((await api(t.url, 'GET', '/api/v1/auth/me', { token: legacy })).status).toBe(401);
    expect((await api(t.url, 'GET', '/api/v1/auth/me', { token: b })).status).toBe(401);
  });

  it('refuses a token of a user that no longer exists', async () => {
    const { a, userId } = await twoSessions();
    const db = t.parley.app.get(Database);
    await db.manager.query('DELETE FROM users WHERE id = ?', [userId]);
    const r = await api(t.url, 'GET', '/api/v1/chats', { token: a });
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe('UNAUTHENTICATED');
  });

  it('the per-request session check is primary-key lookups only', async () => {
    const { a, userId, tenantId } = await twoSessions();
    await api(t.url, 'POST', '/api/v1/auth/logout', { token: a });
    const db = t.parley.app.get(Database);
    const [jti] = (await db.manager.query('SELECT jti FROM revoked_tokens WHERE user_id = ?', [userId])).map((r: { jti: string }) => r.jti);
    const params = [jti, userId, tenantId];
    if (db.dialect === 'sqlite') {
      const plan: { detail: string }[] = await db.manager.query(`EXPLAIN QUERY PLAN ${SESSION_STATE_SQL}`, params);
      const details = plan.map((p) => p.detail);
      expect(details.some((d) => /^SEARCH u USING INDEX .*\(id=\?\)/.test(d))).toBe(true);
      expect(details.some((d) => /^SEARCH r USING (COVERING )?INDEX .*\(jti=\?\)/.test(d))).toBe(true);
      expect(details.filter((d) => d.startsWith('SCAN'))).toEqual([]);
    } else {
      const plan: { table: string; type: string | null; key: string | null }[] = await db.manager.query(`EXPLAIN ${SESSION_STATE_SQL}`, params);
      const tables = plan.filter((p) => p.table);
      expect(tables.map((p) => p.table).sort()).toEqual(['r', 'u']);
      for (const row of tables) {
        expect(row.key).toBe('PRIMARY');
        expect(['const', 'eq_ref']).toContain(row.type);
      }
    }
  });

  it('revocations are kept until the token expires, then pruned', async () => {
    const { a, userId } = await twoSessions();
    await api(t.url, 'POST', '/api/v1/auth/logout', { token: a });
    const db = t.parley.app.get(Database);
    const count = async () => Number((await db.manager.query('SELECT COUNT(*) AS n FROM revoked_tokens WHERE user_id = ?', [userId]))[0].n);
    const retention = t.parley.app.get(RetentionService);
    await retention.pruneAll();
    expect(await count()).toBe(1);
    await retention.pruneAll(Date.now() + (t.parley.config.jwtTtlSeconds + 60) * 1000);
    expect(await count()).toBe(0);
  });
});
