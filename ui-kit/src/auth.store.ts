import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { authApi } from './auth.js';
import { configureHttp } from './http.js';
import type { Session } from './types.js';

/** The localStorage key of the session; the inbox and the builder share it, so one sign-in serves both apps. */
export const SESSION_KEY = 'parley.session';

export interface AuthStoreOptions {
  /** localStorage key of the session (default {@link SESSION_KEY}). */
  storageKey?: string;
  /** Pinia store id (default `auth`). */
  id?: string;
}

/**
 * Defines the signed-in user's store. The session is kept in localStorage so it survives a reload;
 * the store wires the HTTP client to its token, and a 401 on an authenticated call signs out.
 */
export function defineAuthStore({ storageKey = SESSION_KEY, id = 'auth' }: AuthStoreOptions = {}) {
  function readSaved(): Session | null {
    try {
      const raw = localStorage.getItem(storageKey);
      const s = raw ? (JSON.parse(raw) as Session) : null;
      return s?.accessToken && s.user && s.tenant ? s : null;
    } catch {
      return null;
    }
  }

  return defineStore(id, () => {
    const session = ref<Session | null>(readSaved());
    const user = computed(() => session.value?.user ?? null);
    const tenant = computed(() => session.value?.tenant ?? null);
    const token = computed(() => session.value?.accessToken ?? null);
    const signedIn = computed(() => !!session.value);

    function save(s: Session | null): void {
      session.value = s;
      if (s) localStorage.setItem(storageKey, JSON.stringify(s));
      else localStorage.removeItem(storageKey);
    }

    configureHttp({ token: () => session.value?.accessToken ?? null, onUnauthenticated: () => save(null) });

    async function signIn(email: string, password: string): Promise<void> {
      save(await authApi.login(email.trim(), password));
    }

    /**
     * Forgets the session at once and revokes its token on the server in the background (a
     * failed revocation — offline, already expired — is ignored: the token is gone locally).
     */
    function signOut(): void {
      const token = session.value?.accessToken;
      save(null);
      if (token) void authApi.logout(token).catch(() => undefined);
    }

    /** Re-reads the user and tenant (names may have changed); a stale token signs out (401). */
    async function refresh(): Promise<void> {
      if (!session.value) return;
      const me = await authApi.me();
      if (session.value) save({ ...session.value, ...me });
    }

    return { session, user, tenant, token, signedIn, signIn, signOut, refresh };
  });
}

/** The store both apps use: the shared session key, store id `auth`. */
export const useAuthStore = defineAuthStore();
