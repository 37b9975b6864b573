// @vitest-environment happy-dom
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { SESSION_KEY, defineAuthStore, useAuthStore } from './auth.store.js';

const session = { accessToken: 'tok', user: { id: 'u1', name: 'Ana', email: 'a@x', role: 'owner' as const }, tenant: { id: 't1', name: 'Acme' } };

beforeEach(() => {
  localStorage.clear();
  setActivePinia(createPinia());
  vi.restoreAllMocks();
});

describe('auth store', () => {
  it('signs in, keeps the session across reloads, and signs out', async () => {
    const fetchMock = vi.spyOn(globalThis, 'fetch').mockResolvedValue(new Response(JSON.stringify(session), { status: 200 }));
    const s = useAuthStore();
    await s.signIn(' a@x ', 'pw');
    expect(JSON.parse(String(fetchMock.mock.calls[0][1]?.body))).toEqual({ email: 'a@x', password: 'pw' });
    expect(s.signedIn).toBe(true);
    setActivePinia(createPinia());
    const reloaded = useAuthStore();
    expect(reloaded.user?.name).toBe('Ana');
    fetchMock.mockResolvedValue(new Response(null, { status: 204 }));
    reloaded.signOut();
    expect(localStorage.getItem(SESSION_KEY)).toBeNull();
    const [url, init] = fetchMock.mock.calls.at(-1)!;
    expect(String(url)).toMatch(/\/api\/v1\/auth\/logout$/);
    expect(init?.method).toBe('POST');
    expect((init?.headers as Record<string, string>).authorization).toBe('Bearer tok');
  });

  it('signs out when the API answers 401 to an authenticated call', async () => {
    localStorage.setItem(SESSION_KEY, JSON.stringify(session));
    vi.spyOn(globalThis, 'fetch').mockResolvedValue(new Response(JSON.stringify({ error: { code: 'UNAUTHENTICATED', message: 'expired' } }), { status: 401 }));
    const s = useAuthStore();
    await expect(s.refresh()).rejects.toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    expect(s.signedIn).toBe(false);
  });

  it('refuses wrong credentials without a session', async () => {
    vi.spyOn(globalThis, 'fetch').mockResolvedValue(new Response(JSON.stringify({ error: { code: 'INVALID_CREDENTIALS', message: 'no' } }), { status: 401 }));
    const s = useAuthStore();
    await expect(s.signIn('a@x', 'bad')).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
    expect(s.signedIn).toBe(false);
  });
});

describe('defineAuthStore', () => {
  it('keeps the session under the given key', async () => {
    vi.spyOn(globalThis, 'fetch').mockResolvedValue(new Response(JSON.stringify(session), { status: 200 }));
    const useOther = defineAuthStore({ storageKey: 'other.session', id: 'other-auth' });
    await useOther().signIn('a@x', 'pw');
    expect(JSON.parse(localStorage.getItem('other.session')!).accessToken).toBe('tok');
    expect(localStorage.getItem(SESSION_KEY)).toBeNull();
  });
});
