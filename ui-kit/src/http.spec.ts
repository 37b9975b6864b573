// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, configureHttp, http, request, toQuery } from './http.js';

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status });

afterEach(() => {
  vi.restoreAllMocks();
  configureHttp({ baseUrl: '', token: () => null, onUnauthenticated: () => {} });
});

describe('http client', () => {
  it('builds query strings without empty values', () => {
    expect(toQuery({ a: 1, b: 'x y', c: undefined, d: null, e: '', f: false, g: true })).toBe('?a=1&b=x+y&g=true');
    expect(toQuery({})).toBe('');
  });

  it('sends JSON with the bearer token and the base URL, and parses the answer', async () => {
    const fetchMock = vi.spyOn(globalThis, 'fetch').mockResolvedValue(json({ ok: 1 }));
    configureHttp({ baseUrl: 'http://api.test', token: () => 'tok' });
    expect(await http.put<{ ok: number }>('/api/v1/x', { a: 1 })).toEqual({ ok: 1 });
    const [url, init] = fetchMock.mock.calls[0];
    expect(url).toBe('http://api.test/api/v1/x');
    expect(init?.method).toBe('PUT');
    expect(init?.headers).toMatchObject({ authorization: 'Bearer tok', 'content-type': 'application/json', accept: 'application/json' });
    expect(init?.body).toBe('{"a":1}');
  });

  it('sends Blobs as raw bytes, leaves the token out when auth is false, and answers null to an empty body', async () => {
    const fetchMock = vi.spyOn(globalThis, 'fetch').mockResolvedValue(new Response(null, { status: 204 }));
    configureHttp({ token: () => 'tok' });
    const blob = new Blob(['x']);
    expect(await request('POST', '/up', { body: blob, auth: false })).toBeNull();
    const init = fetchMock.mock.calls[0][1]!;
    expect(init.body).toBe(blob);
    expect(init.headers).not.toHaveProperty('authorization');
    expect(init.headers).not.toHaveProperty('content-type');
  });

  it('turns error answers into ApiError', async () => {
    vi.spyOn(globalThis, 'fetch').mockResolvedValue(json({ error: { code: 'VALIDATION_FAILED', message: 'bad', details: { field: 'name' } } }, 422));
    const e = await http.post('/x', {}).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(ApiError);
    expect(e).toMatchObject({ status: 422, code: 'VALIDATION_FAILED', message: 'bad', details: { field: 'name' } });
  });

  it('names errors without a JSON body by status', async () => {
    vi.spyOn(globalThis, 'fetch').mockResolvedValue(new Response('<html>', { status: 502, statusText: 'Bad Gateway' }));
    await expect(http.get('/x')).rejects.toMatchObject({ status: 502, code: 'HTTP_502', message: 'Bad Gateway' });
  });

  it('calls onUnauthenticated on a 401 to an authenticated call only', async () => {
    vi.spyOn(globalThis, 'fetch').mockImplementation(async () => json({ error: { code: 'UNAUTHENTICATED', message: 'expired' } }, 401));
    const onUnauthenticated = vi.fn();
    configureHttp({ token: () => null, onUnauthenticated });
    await expect(http.get('/x')).rejects.toMatchObject({ status: 401 });
    expect(onUnauthenticated).not.toHaveBeenCalled();
    configureHttp({ token: () => 'tok' });
    await expect(http.delete('/x')).rejects.toMatchObject({ status: 401 });
    expect(onUnauthenticated).toHaveBeenCalledTimes(1);
  });
});
