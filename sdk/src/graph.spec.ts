import { describe, expect, it } from 'vitest';
import { ChannelError } from './errors.js';
import { createGraphClient } from './graph.js';

type Fetch = (url: string, init?: RequestInit) => Promise<Response>;
const runtime = (f: Fetch) => ({ fetch: f }) as never;
const client = createGraphClient({ timeoutMs: 1000, mapError: (status, body, what) => new ChannelError('PERMANENT', `${what}: ${status} ${JSON.stringify(body)}`, { providerCode: status }) });

describe('createGraphClient', () => {
  it('sends Bearer auth and JSON, and returns the JSON object', async () => {
    let seen: RequestInit | undefined;
    const body = await client.graphJson(runtime(async (_u, init) => ((seen = init), new Response('{"id":"1"}', { status: 200 }))), { method: 'POST', url: 'https://graph.test/x', accessToken: 'tok', body: { a: 1 }, what: 'send' });
    expect(body).toEqual({ id: '1' });
    expect(seen?.headers).toEqual({ authorization: 'Bearer tok', 'content-type': 'application/json' });
    expect(seen?.body).toBe('{"a":1}');
  });

  it('sends no Authorization header without a token', async () => {
    let seen: RequestInit | undefined;
    await client.graphJson(runtime(async (_u, init) => ((seen = init), new Response('{}'))), { method: 'GET', url: 'https://graph.test/x', accessToken: '', what: 'get' });
    expect(seen?.headers).toEqual({});
  });

  it("maps a non-2xx answer with the plugin's mapError, a non-object answer to PERMANENT, a network failure to TEMPORARY", async () => {
    await expect(client.graphJson(runtime(async () => new Response('{"error":{"code":100}}', { status: 400 })), { method: 'GET', url: 'u', what: 'read' })).rejects.toMatchObject({ code: 'PERMANENT', message: 'read: 400 {"error":{"code":100}}' });
    await expect(client.graphJson(runtime(async () => new Response('[1]', { status: 200 })), { method: 'GET', url: 'u', what: 'read' })).rejects.toMatchObject({ code: 'PERMANENT', providerCode: 200 });
    await expect(client.graphJson(runtime(async () => Promise.reject(new TypeError('fetch failed'))), { method: 'GET', url: 'u', what: 'read' })).rejects.toMatchObject({ code: 'TEMPORARY', message: 'read: network error (fetch failed)' });
  });

  it('reads bodies with the given parser, text when not JSON, null when empty', async () => {
    const lossless = createGraphClient({ timeoutMs: 1000, mapError: () => new ChannelError('PERMANENT', 'x'), parse: (t) => JSON.parse(t.replace(/(\d{17,})/g, '"$1"')) });
    expect(await lossless.readBody(new Response('{"id":17841452691600098}'), 'r')).toEqual({ id: '17841452691600098' });
    expect(await client.readBody(new Response('not json'), 'r')).toBe('not json');
    expect(await client.readBody(new Response(''), 'r')).toBeNull();
  });
});
