/**
 * WhatsApp Embedded Signup (Meta …/whatsapp/embedded-signup/implementation and
 * …/embedded-signup/onboarding-customers-as-a-tech-provider; fixtures
 * `embedded_signup_*`). The front end runs `FB.login` with the app's Login for Business
 * configuration (`config_id` = `META_WHATSAPP_CONFIG_ID`, `response_type: 'code'`,
 * `override_default_response_type: true`, `extras: {setup: {}, sessionInfoVersion: '3'}`): the
 * callback gives an exchangeable `code` (30-second TTL), and a `message` event from
 * `https://www.facebook.com` of type `WA_EMBEDDED_SIGNUP`, event `FINISH`, carries
 * `{phone_number_id, waba_id}`. The host hands code and ids to {@link exchangeEmbeddedSignup}:
 *
 * 1. `GET {graph}/oauth/access_token?client_id=<META_APP_ID>&client_secret=<META_APP_SECRET>&code=<code>`
 *    → `{"access_token":"<business token>","token_type":"bearer"}` (a Business Integration System
 *    User token of the customer's business).
 * 2. `GET {graph}/debug_token?input_token=<business token>` with the app token
 *    `<app id>|<app secret>` → `{data:{is_valid, granular_scopes:[{scope, target_ids}]}}`: the
 *    token must be valid and `whatsapp_business_management` must cover the WABA (when Meta lists
 *    target ids).
 * 3. `POST {graph}/{waba-id}/subscribed_apps` (Bearer business token) → `{"success":true}`: the
 *    app's webhooks (`/webhooks/whatsapp`) receive the WABA's messages.
 * 4. `POST {graph}/{phone-number-id}/register` `{"messaging_product":"whatsapp","pin":"<6 digits>"}`
 *    → `{"success":true}`: the number goes live on the Cloud API with that two-step PIN.
 * 5. `GET {graph}/{phone-number-id}?fields=display_phone_number,verified_name` → the account's name.
 *
 * The result is one login account `{type: 'whatsapp', config: {phoneNumberId, wabaId, accessToken}}`
 * that the host keeps sealed server-side until the admin creates the channel from it.
 */
import { ChannelError, type LoginAccount, type LoginClientConfig, type LoginExchangeInput, type PluginRuntime } from '@parley/sdk';
import { graphBaseUrl, SETTINGS } from './config.js';
import { graphJson } from './graph.js';

/** Platform settings of the Embedded Signup flow. */
export const EMBEDDED_SIGNUP_SETTINGS = { appId: 'META_APP_ID', configId: 'META_WHATSAPP_CONFIG_ID' } as const;
/** Facebook JavaScript SDK the front end loads to run `FB.login`. */
export const FACEBOOK_SDK_URL = 'https://connect.facebook.net/en_US/sdk.js';
/** `extras.sessionInfoVersion` asked of Embedded Signup: version 3 reports `{phone_number_id, waba_id, business_id}` on FINISH. */
export const SESSION_INFO_VERSION = '3';

const ID = /^[0-9]{1,32}$/;
type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);

/** What the front end needs to start Embedded Signup (`GET /api/v1/channels/login/whatsapp/config`). */
export function embeddedSignupClientConfig(runtime: Pick<PluginRuntime, 'setting'>): LoginClientConfig {
  const appId = runtime.setting(EMBEDDED_SIGNUP_SETTINGS.appId) || null;
  const configId = runtime.setting(EMBEDDED_SIGNUP_SETTINGS.configId) || null;
  const missing = [!appId && 'META_APP_ID', !runtime.setting(SETTINGS.appSecret) && 'META_APP_SECRET', !configId && 'META_WHATSAPP_CONFIG_ID'].filter(Boolean);
  const graphVersion = /\/(v\d+\.\d+)\/?$/.exec(graphBaseUrl(runtime))?.[1] ?? 'v24.0';
  return {
    provider: 'facebook',
    flow: 'embedded_signup',
    available: missing.length === 0,
    reason: missing.length ? `Embedded Signup needs ${missing.join(', ')} on the server; connect with manual credentials instead` : null,
    appId,
    configId,
    sdkUrl: FACEBOOK_SDK_URL,
    graphVersion,
    sessionInfoVersion: SESSION_INFO_VERSION,
  };
}

/** Validates the values the front end reported; throws `INVALID_CONFIG` naming what is wrong. */
export function embeddedSignupInput(extras: Record<string, string> | undefined): { wabaId: string; phoneNumberId: string; pin: string } {
  const wabaId = extras?.wabaId?.trim() ?? '';
  const phoneNumberId = extras?.phoneNumberId?.trim() ?? '';
  const pin = extras?.pin?.trim() ?? '';
  if (!ID.test(wabaId)) throw new ChannelError('INVALID_CONFIG', 'Embedded Signup did not report a WhatsApp Business Account id (extras.wabaId): finish the signup in the Meta window');
  if (!ID.test(phoneNumberId)) {
    throw new ChannelError('INVALID_CONFIG', 'Embedded Signup did not report a phone number (extras.phoneNumberId): add a number in the Meta window, or connect one with manual credentials');
  }
  if (!/^\d{6}$/.test(pin)) throw new ChannelError('INVALID_CONFIG', 'The two-step verification PIN (extras.pin) must be 6 digits');
  return { wabaId, phoneNumberId, pin };
}

/** Re-throws a refusal of step `what` as `kind` with Meta's message; other failures unchanged. */
function refusal(err: unknown, kind: 'INVALID_CREDENTIALS' | 'INVALID_CONFIG', what: string): never {
  if (err instanceof ChannelError && !err.retryable) {
    throw new ChannelError(kind, `${what}: ${err.providerMessage ?? err.message}`, { providerCode: err.providerCode, providerMessage: err.providerMessage, cause: err });
  }
  throw err;
}

/** Step 2: the business token must be valid and grant the WABA. A failing check call is logged and skipped. */
async function checkGrant(runtime: PluginRuntime, base: string, appId: string, appSecret: string, token: string, wabaId: string): Promise<void> {
  let answer: Json;
  try {
    answer = await graphJson(runtime, { method: 'GET', url: `${base}/debug_token?${new URLSearchParams({ input_token: token, access_token: `${appId}|${appSecret}` })}`, what: 'Embedded Signup (debug_token)' });
  } catch (err) {
    runtime.logger.warn({ err }, 'whatsapp: debug_token check failed; continuing without it');
    return;
  }
  const data = isObject(answer.data) ? answer.data : {};
  if (data.is_valid === false) throw new ChannelError('INVALID_CREDENTIALS', 'Meta says the business token of this signup is not valid: start the signup again');
  const scopes = Array.isArray(data.granular_scopes) ? data.granular_scopes.filter(isObject) : [];
  const management = scopes.find((s) => s.scope === 'whatsapp_business_management');
  const targets = management && Array.isArray(management.target_ids) ? management.target_ids.map(String) : null;
  if (!management || (targets && targets.length > 0 && !targets.includes(wabaId))) {
    throw new ChannelError('INVALID_CREDENTIALS', `The signup did not grant access to WhatsApp Business Account ${wabaId} (whatsapp_business_management): start the signup again and keep that account selected`);
  }
}

/** `ChannelLogin.exchange` of the `whatsapp` type: Embedded Signup onboarding (steps 1–5). */
export async function exchangeEmbeddedSignup(input: LoginExchangeInput, runtime: PluginRuntime): Promise<LoginAccount[]> {
  const appId = runtime.setting(EMBEDDED_SIGNUP_SETTINGS.appId);
  const appSecret = runtime.setting(SETTINGS.appSecret);
  if (!appId || !appSecret) throw new ChannelError('INVALID_CONFIG', 'Embedded Signup needs META_APP_ID and META_APP_SECRET on the server');
  const { wabaId, phoneNumberId, pin } = embeddedSignupInput(input.extras);
  const base = graphBaseUrl(runtime);

  const params: Record<string, string> = { client_id: appId, client_secret: appSecret, code: input.code };
  if (input.redirectUri) params.redirect_uri = input.redirectUri;
  let exchanged: Json;
  try {
    exchanged = await graphJson(runtime, { method: 'GET', url: `${base}/oauth/access_token?${new URLSearchParams(params)}`, what: 'Embedded Signup (code exchange)' });
  } catch (err) {
    refusal(err, 'INVALID_CREDENTIALS', 'Meta refused the signup code (codes expire after 30 seconds and work once)');
  }
  const accessToken = text(exchanged.access_token);
  if (!accessToken) throw new ChannelError('PERMANENT', 'Embedded Signup (code exchange): the Graph API returned no access_token');

  await checkGrant(runtime, base, appId, appSecret, accessToken, wabaId);

  try {
    await graphJson(runtime, { method: 'POST', url: `${base}/${wabaId}/subscribed_apps`, accessToken, what: 'Embedded Signup (subscribe app to WABA webhooks)' });
  } catch (err) {
    refusal(err, 'INVALID_CREDENTIALS', `Meta refused to subscribe the app to WhatsApp Business Account ${wabaId}`);
  }
  try {
    await graphJson(runtime, { method: 'POST', url: `${base}/${phoneNumberId}/register`, accessToken, body: { messaging_product: 'whatsapp', pin }, what: 'Embedded Signup (register number)' });
  } catch (err) {
    const mismatch = err instanceof ChannelError && err.providerCode === 133005;
    refusal(err, 'INVALID_CONFIG', mismatch ? 'The number already has another two-step verification PIN: enter that PIN and try again' : `Meta refused to register number ${phoneNumberId} for the Cloud API`);
  }
  let phone: Json = {};
  try {
    phone = await graphJson(runtime, { method: 'GET', url: `${base}/${phoneNumberId}?fields=display_phone_number,verified_name`, accessToken, what: 'Embedded Signup (number details)' });
  } catch (err) {
    refusal(err, 'INVALID_CREDENTIALS', `Meta refused to read number ${phoneNumberId}`);
  }
  const displayPhoneNumber = text(phone.display_phone_number);
  const verifiedName = text(phone.verified_name);
  return [
    {
      type: 'whatsapp',
      accountId: phoneNumberId,
      name: [verifiedName, displayPhoneNumber].filter(Boolean).join(' · ') || phoneNumberId,
      pictureUrl: null,
      config: { phoneNumberId, wabaId, accessToken },
      info: { wabaId, displayPhoneNumber, verifiedName },
    },
  ];
}
