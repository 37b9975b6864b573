import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HostHttp, hostAllowed, isPrivateAddress } from './host-http.js';

let server: Server;
let port: number;
const seen: { method: string; url: string; headers: Record<string, unknown>; body: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      if (req.url === '/slow') return void setTimeout(() => res.end('late'), 1000);
      if (req.url === '/big') return void res.end('x'.repeat(5000));
      if (req.url === '/redirect') return void res.writeHead(302, { location: 'http://169.254.169.254/' }).end();
      res.writeHead(req.url === '/missing' ? 404 : 200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, echo: body ? JSON.parse(body) : null }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('address and host rules', () => {
  it('knows private, loopback, link-local, CGNAT, mapped and unique-local addresses', () => {
    for (const a of ['127.0.0.1', '10.1.2.3', '172.20.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', '::', 'fe80::1', 'fd00::1', '::ffff:127.0.0.1', '224.0.0.1']) {
      expect(isPrivateAddress(a), a).toBe(true);
    }
    for (const a of ['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111', '::ffff:8.8.8.8']) expect(isPrivateAddress(a), a).toBe(false);
  });
  it('matches the allow-list with wildcards', () => {
    expect(hostAllowed('api.example.com', ['*.example.com'])).toBe(true);
    expect(hostAllowed('example.com', ['*.example.com'])).toBe(false);
    expect(hostAllowed('evil-example.com', ['*.example.com'])).toBe(false);
    expect(hostAllowed('anything.io', ['*'])).toBe(true);
    expect(hostAllowed('Sheets.GoogleApis.com.', ['sheets.googleapis.com'])).toBe(true);
  });
});

describe('HostHttp', () => {
  const open = new HostHttp({ allowHosts: ['*'], allowPrivate: true, timeoutMs: 300, maxBytes: 1000 });
  const closed = new HostHttp({ allowHosts: ['*'], allowPrivate: false, timeoutMs: 300 });

  it('sends JSON and parses JSON answers; non-2xx answers are returned', async () => {
    const r = await open.request({ method: 'POST', url: `http://127.0.0.1:${port}/echo?q=1`, headers: { 'X-Api-Key': 'k' }, body: { a: 1 } });
    expect(r).toMatchObject({ status: 200, body: { ok: true, echo: { a: 1 } } });
    expect(seen.at(-1)).toMatchObject({ method: 'POST', url: '/echo?q=1', headers: { 'x-api-key': 'k', 'content-type': 'application/json' } });
    expect((await open.request({ method: 'GET', url: `http://127.0.0.1:${port}/missing` })).status).toBe(404);
  });

  it('blocks loopback and private targets, by IP and by name, unless allowed', async () => {
    await expect(closed.request({ method: 'GET', url: `http://127.0.0.1:${port}/` })).rejects.toMatchObject({ code: 'HTTP_BLOCKED' });
    await expect(closed.request({ method: 'GET', url: `http://localhost:${port}/` })).rejects.toMatchObject({ code: 'HTTP_BLOCKED' });
    await expect(closed.request({ method: 'GET', url: 'http://[::1]/' })).rejects.toMatchObject({ code: 'HTTP_BLOCKED' });
    await expect(closed.request({ method: 'GET', url: 'http://169.254.169.254/latest/meta-data' })).rejects.toMatchObject({ code: 'HTTP_BLOCKED' });
  });

  it('refuses other schemes, hosts off the allow-list, credentials in URLs and header injection', async () => {
    const listed = new HostHttp({ allowHosts: ['api.example.com'], allowPrivate: true, timeoutMs: 300 });
    await expect(listed.request({ method: 'GET', url: `http://127.0.0.1:${port}/` })).rejects.toMatchObject({ code: 'HTTP_BLOCKED' });
    await expect(open.request({ method: 'GET', url: 'file:///etc/passwd' })).rejects.toMatchObject({ code: 'HTTP_BLOCKED' });
    await expect(open.request({ method: 'GET', url: `http://u:p@127.0.0.1:${port}/` })).rejects.toMatchObject({ code: 'HTTP_BLOCKED' });
    await expect(open.request({ method: 'GET', url: `http://127.0.0.1:${port}/`, headers: { a: 'b\r\nX-Evil: 1' } })).rejects.toMatchObject({ code: 'HTTP_BLOCKED' });
  });

  it('bounds time and size, and does not follow redirects', async () => {
    await expect(open.request({ method: 'GET', url: `http://127.0.0.1:${port}/slow` })).rejects.toMatchObject({ code: 'HTTP_TIMEOUT' });
    await expect(open.request({ method: 'GET', url: `http://127.0.0.1:${port}/big` })).rejects.toMatchObject({ code: 'HTTP_TOO_LARGE' });
    expect(await open.request({ method: 'GET', url: `http://127.0.0.1:${port}/redirect` })).toMatchObject({ status: 302, headers: { location: 'http://169.254.169.254/' } });
  });
});
