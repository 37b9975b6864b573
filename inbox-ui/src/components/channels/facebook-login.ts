/**
 * Facebook Login for Business from the inbox: a full-page redirect to Meta's OAuth dialog, back
 * to Settings → Channels with `?code=&state=`; the page then exchanges the code with
 * `POST /api/v1/channels/login/:type` (with the same redirect URI) and lets the admin pick an account.
 */
import type { LoginConfig } from '../../api/channels.js';

const KEY = 'parley.fbLogin';

export interface PendingLogin {
  state: string;
  type: string;
  name: string;
}

/** Where Meta sends the browser back: this page, without query. */
export function loginRedirectUri(loc: Pick<Location, 'origin'> = location): string {
  return `${loc.origin}/inbox/settings/channels`;
}

/** The dialog URL for `cfg`, remembering `type` and the chosen channel name under a random state. */
export function facebookDialogUrl(cfg: LoginConfig, type: string, name: string, redirectUri = loginRedirectUri(), storage: Storage = sessionStorage): string {
  const state = `${type}.${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;
  storage.setItem(KEY, JSON.stringify({ state, type, name } satisfies PendingLogin));
  const q = new URLSearchParams({ client_id: cfg.appId ?? '', redirect_uri: redirectUri, state, response_type: 'code', scope: cfg.scopes.join(',') });
  return `${cfg.dialogUrl}?${q.toString()}`;
}

/** The pending login matching `state` (once: it is forgotten), or null (unknown or forged state). */
export function takePendingLogin(state: string | null | undefined, storage: Storage = sessionStorage): PendingLogin | null {
  const raw = storage.getItem(KEY);
  storage.removeItem(KEY);
  if (!raw || !state) return null;
  try {
    const p = JSON.parse(raw) as PendingLogin;
    return p.state === state ? p : null;
  } catch {
    return null;
  }
}
