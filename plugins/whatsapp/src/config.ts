/**
 * Channel config and platform settings of the WhatsApp Cloud API plugin.
 *
 * Config (per connected number, DESIGN.md §4): `{phoneNumberId, wabaId, accessToken}`, all
 * non-empty strings; `accessToken` is a secret (encrypted at rest by the host).
 * Settings (platform-wide, DESIGN.md §3): `META_APP_SECRET`, `META_VERIFY_TOKEN`, `META_GRAPH_URL`.
 */
import { ChannelError, type JsonSchema, type PluginRuntime } from '@parley/sdk';

/** Config of one connected WhatsApp business phone number. */
export interface WhatsAppConfig {
  /** Graph id of the business phone number; the webhook routing key (`metadata.phone_number_id`). */
  phoneNumberId: string;
  /** WhatsApp Business Account id (the `entry[].id` of webhooks). */
  wabaId: string;
  /** System-user or Embedded-Signup access token, sent as `Authorization: Bearer`. */
  accessToken: string;
}

/** Graph API base used when `META_GRAPH_URL` is unset. */
export const DEFAULT_GRAPH_URL = 'https://graph.facebook.com/v24.0';

/** Timeout of every Graph API call, in ms. */
export const GRAPH_TIMEOUT_MS = 15_000;

/** Customer-service window: free-form messages only within 24 h of the customer's last message. */
export const CUSTOMER_SERVICE_WINDOW_MS = 24 * 60 * 60 * 1000;

/** Names of the platform settings this plugin reads. */
export const SETTINGS = {
  appSecret: 'META_APP_SECRET',
  verifyToken: 'META_VERIFY_TOKEN',
  graphUrl: 'META_GRAPH_URL',
} as const;

/** Graph ids travel in URL paths: keep them to a safe alphabet. */
const ID_PATTERN = /^[0-9A-Za-z_-]{1,128}$/;

/** JSON Schema of {@link WhatsAppConfig}, for generic forms. */
export const configSchema: JsonSchema = {
  type: 'object',
  required: ['phoneNumberId', 'wabaId', 'accessToken'],
  additionalProperties: false,
  properties: {
    phoneNumberId: { type: 'string', title: 'Phone number ID', pattern: ID_PATTERN.source },
    wabaId: { type: 'string', title: 'WhatsApp Business Account ID', pattern: ID_PATTERN.source },
    accessToken: { type: 'string', title: 'Access token', minLength: 1, writeOnly: true },
  },
};

/** Fields of the config that are secrets. */
export const secretFields = ['accessToken'] as const;

/**
 * Validates raw config input and returns a normalised config (trimmed strings, unknown keys
 * dropped). Throws `ChannelError('INVALID_CONFIG')` naming the offending fields.
 */
export function parseConfig(input: unknown): WhatsAppConfig {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ChannelError('INVALID_CONFIG', 'WhatsApp config must be an object {phoneNumberId, wabaId, accessToken}');
  }
  const raw = input as Record<string, unknown>;
  const problems: string[] = [];
  const read = (key: keyof WhatsAppConfig, pattern?: RegExp): string => {
    const value = raw[key];
    if (typeof value !== 'string' || value.trim() === '') {
      problems.push(`${key} is required (non-empty string)`);
      return '';
    }
    const trimmed = value.trim();
    if (pattern && !pattern.test(trimmed)) problems.push(`${key} has invalid characters`);
    return trimmed;
  };
  const config: WhatsAppConfig = {
    phoneNumberId: read('phoneNumberId', ID_PATTERN),
    wabaId: read('wabaId', ID_PATTERN),
    accessToken: read('accessToken', /^\S+$/),
  };
  if (problems.length > 0) throw new ChannelError('INVALID_CONFIG', `Invalid WhatsApp config: ${problems.join('; ')}`);
  return config;
}

/** Graph API base URL from `META_GRAPH_URL` (default {@link DEFAULT_GRAPH_URL}), without trailing slash. */
export function graphBaseUrl(runtime: Pick<PluginRuntime, 'setting'>): string {
  const configured = runtime.setting(SETTINGS.graphUrl)?.trim();
  return (configured || DEFAULT_GRAPH_URL).replace(/\/+$/, '');
}
