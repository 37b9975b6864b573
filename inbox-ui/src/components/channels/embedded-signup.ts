/**
 * WhatsApp Embedded Signup in the browser (Meta …/whatsapp/embedded-signup/implementation;
 * fixtures `whatsapp/embedded_signup_*`): load the Facebook JavaScript SDK, run `FB.login` with
 * the app's Login for Business configuration asking for a `code`, and listen for the
 * `WA_EMBEDDED_SIGNUP` session-info message that Meta's window posts from a facebook.com origin
 * (`event.data` is a JSON string; other, non-JSON messages are posted too and ignored).
 * The code and the ids then go to `POST /api/v1/channels/login/whatsapp`: the browser never
 * sees the business token.
 */
import type { LoginConfig } from '../../api/channels.js';

/** What `FB.login` calls back with (the subset read here). */
export interface FbLoginResponse {
  authResponse?: { code?: string | null } | null;
  status?: string;
}

/** The part of the Facebook JS SDK used here (tests inject a double as `window.FB`). */
export interface FacebookSdk {
  init(options: { appId: string; autoLogAppEvents?: boolean; xfbml?: boolean; version: string }): void;
  login(callback: (response: FbLoginResponse) => void, options: Record<string, unknown>): void;
}

/** A `WA_EMBEDDED_SIGNUP` session-info message, normalised. */
export type SignupEvent =
  | { kind: 'finish'; phoneNumberId: string; wabaId: string }
  /** Finished without a phone number (FINISH_ONLY_WABA, or the WhatsApp Business app coexistence flow). */
  | { kind: 'no_number'; wabaId: string | null; event: string }
  | { kind: 'cancel'; step: string | null }
  | { kind: 'error'; message: string };

/** Meta posts session info from `https://www.facebook.com` (or another facebook.com host). */
export function isFacebookOrigin(origin: string): boolean {
  return /^https:\/\/([a-z0-9-]+\.)*facebook\.com$/.test(origin);
}

/**
 * Reads a `message` event: null unless it comes from a facebook.com origin and is a
 * `WA_EMBEDDED_SIGNUP` message (`data` is usually a JSON string, sometimes an object).
 */
export function parseSignupMessage(origin: string, data: unknown): SignupEvent | null {
  if (!isFacebookOrigin(origin)) return null;
  let msg: unknown = data;
  if (typeof msg === 'string') {
    try {
      msg = JSON.parse(msg);
    } catch {
      return null;
    }
  }
  if (typeof msg !== 'object' || msg === null) return null;
  const m = msg as { type?: unknown; event?: unknown; data?: Record<string, unknown> };
  if (m.type !== 'WA_EMBEDDED_SIGNUP') return null;
  const d = (typeof m.data === 'object' && m.data) || {};
  const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : null);
  const event = String(m.event ?? '');
  if (event === 'CANCEL') return { kind: 'cancel', step: str(d.current_step) };
  if (event === 'ERROR') return { kind: 'error', message: str(d.error_message) ?? 'Embedded Signup reported an error' };
  const wabaId = str(d.waba_id);
  const phoneNumberId = str(d.phone_number_id);
  if (event === 'FINISH' && wabaId && phoneNumberId) return { kind: 'finish', wabaId, phoneNumberId };
  if (event.startsWith('FINISH')) return { kind: 'no_number', wabaId, event };
  return null;
}

/** Options of `FB.login` for Embedded Signup with the configuration `configId`. */
export function loginOptions(cfg: Pick<LoginConfig, 'configId' | 'sessionInfoVersion'>): Record<string, unknown> {
  return {
    config_id: cfg.configId,
    response_type: 'code',
    override_default_response_type: true,
    extras: { setup: {}, featureType: '', sessionInfoVersion: cfg.sessionInfoVersion ?? '3' },
  };
}

/** The Facebook SDK: `window.FB` when present, else loads `cfg.sdkUrl` and initialises it with the app id. */
export async function loadFacebookSdk(cfg: LoginConfig, win: Window & { FB?: FacebookSdk; fbAsyncInit?: () => void } = window): Promise<FacebookSdk> {
  if (!win.FB) {
    await new Promise<void>((resolve, reject) => {
      win.fbAsyncInit = () => resolve();
      const script = win.document.createElement('script');
      script.src = cfg.sdkUrl ?? 'https://connect.facebook.net/en_US/sdk.js';
      script.async = true;
      script.crossOrigin = 'anonymous';
      script.onerror = () => reject(new Error('The Facebook SDK could not be loaded (blocked or offline)'));
      win.document.head.appendChild(script);
    });
  }
  const fb = win.FB;
  if (!fb) throw new Error('The Facebook SDK did not start');
  fb.init({ appId: cfg.appId ?? '', autoLogAppEvents: true, xfbml: false, version: cfg.graphVersion ?? 'v24.0' });
  return fb;
}

/** A random 6-digit two-step verification PIN suggestion. */
export function randomPin(rng: () => number = Math.random): string {
  return String(Math.floor(rng() * 1_000_000)).padStart(6, '0');
}
