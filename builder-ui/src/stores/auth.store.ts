import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { authApi } from '../api/auth.js';
import { configureHttp } from '../api/http.js';
import type { Session } from '../api/types.js';

export const SESSION_KEY = 'parley.session';

function readSaved(): Session | null {
  try {
    const raw = localStorage.getItem(SESSION_KEY);
    const s = raw ? (JSON.parse(raw) as Session) : null;
    return s?.accessToken && s.user && s.tenant ? s : null;
  } catch {
    return null;
  }
}

/** The signed-in user. The session is kept in localStorage (the same key as the inbox, so one sign-in serves both apps) and survives a reload. */
export const useAuthStore = defineStore('auth', () => {
  const session = ref<Session | null>(readSaved());
  const user = computed(() => session.value?.user ?? null);
  const tenant = computed(() => session.value?.tenant ?? null);
  const token = computed(() => session.value?.accessToken ?? null);
  const signedIn = computed(() => !!session.value);

  function save(s: Session | null): void {
    session.value = s;
    if (s) localStorage.setItem(SESSION_KEY, JSON.stringify(s));
    else localStorage.removeItem(SESSION_KEY);
  }

  configureHttp({ token: () => session.value?.accessToken ?? null, onUnauthenticated: () => save(null) });

  async function signIn(email: string, password: string): Promise<void> {
    save(await authApi.login(email.trim(), password));
  }

  function signOut(): void {
    save(null);
  }

  /** Re-reads the user and tenant (names may have changed); a stale token signs out (401). */
  async function refresh(): Promise<void> {
    if (!session.value) return;
    const me = await authApi.me();
    if (session.value) save({ ...session.value, ...me });
  }

  return { session, user, tenant, token, signedIn, signIn, signOut, refresh };
});
