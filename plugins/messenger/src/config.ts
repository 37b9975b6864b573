/**
 * Channel configs and platform settings of the Messenger plugin (two channel types).
 *
 * Configs (per connected account, issue 6):
 * - `messenger`: `{pageId, pageAccessToken, humanAgentTag?}`
 * - `instagram`: `{instagramAccountId, pageId, pageAccessToken, humanAgentTag?}` (an Instagram
 *   professional account linked to a Facebook Page; Messenger Platform for Instagram uses the
 *   Page's token).
 * `pageAccessToken` is a secret (encrypted at rest by the host). `humanAgentTag: true` says the
 * Meta app has the Human Agent permission: replies up to 7 days after the customer's last
 * message are sent with `MESSAGE_TAG` `HUMAN_AGENT`; without it the 24-hour standard window applies.
 * Settings (platform-wide, DESIGN.md §3): `META_APP_SECRET`, `META_VERIFY_TOKEN`, `META_APP_ID`,
 * `META_GRAPH_URL`.
 */
import { ChannelError, type JsonSchema, type PluginRuntime } from '@parley/sdk';

/** Config of one connected Facebook Page. */
export interface MessengerConfig {
  /** Page id: the webhook routing key (`entry[].id` of `object: "page"` webhooks). */
  pageId: string;
  /** Page access token (from Facebook Login for Business or a system user). */
  pageAccessToken: string;
  /** The app has the Human Agent permission (7-day window with the `HUMAN_AGENT` tag). */
  humanAgentTag?: boolean;
}

/** Config of one connected Instagram professional account. */
export interface InstagramConfig extends MessengerConfig {
  /** Instagram professional account id: the routing key (`entry[].id` of `object: "instagram"`). */
  instagramAccountId: string;
}

/** Either channel type's config. */
export type MetaMessagingConfig = MessengerConfig | InstagramConfig;

/** Graph API base used when `META_GRAPH_URL` is unset. */
export const DEFAULT_GRAPH_URL = 'https://graph.facebook.com/v24.0';

/** Timeout of every Graph API call, in ms. */
export const GRAPH_TIMEOUT_MS = 15_000;

/** Standard messaging window: 24 h after the customer's last message. */
export const STANDARD_WINDOW_MS = 24 * 60 * 60 * 1000;

/** Window with the `HUMAN_AGENT` message tag: 7 days after the customer's last message. */
export const HUMAN_AGENT_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;

/** Names of the platform settings this plugin reads. */
export const SETTINGS = {
  appSecret: 'META_APP_SECRET',
  verifyToken: 'META_VERIFY_TOKEN',
  appId: 'META_APP_ID',
  graphUrl: 'META_GRAPH_URL',
} as const;

/** Graph ids travel in URL paths: digits only (page, Instagram account, PSID and IGSID ids). */
export const ID_PATTERN = /^[0-9]{1,32}$/;

const token = { type: 'string', title: 'Page access token', minLength: 1, writeOnly: true };
const humanAgentTag = { type: 'boolean', title: 'App has the Human Agent permission (7-day replies)', default: false };

/** JSON Schema of {@link MessengerConfig}. */
export const messengerConfigSchema: JsonSchema = {
  type: 'object',
  required: ['pageId', 'pageAccessToken'],
  additionalProperties: false,
  properties: {
    pageId: { type: 'string', title: 'Facebook Page ID', pattern: ID_PATTERN.source },
    pageAccessToken: token,
    humanAgentTag,
  },
};

/** JSON Schema of {@link InstagramConfig}. */
export const instagramConfigSchema: JsonSchema = {
  type: 'object',
  required: ['instagramAccountId', 'pageId', 'pageAccessToken'],
  additionalProperties: false,
  properties: {
    instagramAccountId: { type: 'string', title: 'Instagram professional account ID', pattern: ID_PATTERN.source },
    pageId: { type: 'string', title: 'Linked Facebook Page ID', pattern: ID_PATTERN.source },
    pageAccessToken: token,
    humanAgentTag,
  },
};

/** Fields of the configs that are secrets. */
export const secretFields = ['pageAccessToken'] as const;

type Reader = (key: string, pattern: RegExp) => string;

function reader(input: unknown, what: string, problems: string[]): { raw: Record<string, unknown>; read: Reader } {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ChannelError('INVALID_CONFIG', `${what} config must be an object`);
  }
  const raw = input as Record<string, unknown>;
  const read: Reader = (key, pattern) => {
    // ids may arrive as JSON numbers from hand-written clients; keep their exact digits
    const value = typeof raw[key] === 'number' && Number.isSafeInteger(raw[key]) ? String(raw[key]) : raw[key];
    if (typeof value !== 'string' || value.trim() === '') {
      problems.push(`${key} is required (non-empty string)`);
      return '';
    }
    const trimmed = value.trim();
    if (!pattern.test(trimmed)) problems.push(`${key} has invalid characters`);
    return trimmed;
  };
  return { raw, read };
}

function readFlag(raw: Record<string, unknown>, problems: string[]): boolean {
  const v = raw.humanAgentTag;
  if (v === undefined || v === null) return false;
  if (typeof v !== 'boolean') problems.push('humanAgentTag must be a boolean');
  return v === true;
}

/**
 * Validates a Messenger config (trimmed strings, unknown keys dropped).
 * Throws `ChannelError('INVALID_CONFIG')` naming the offending fields.
 */
export function parseMessengerConfig(input: unknown): MessengerConfig {
  const problems: string[] = [];
  const { raw, read } = reader(input, 'Messenger', problems);
  const config: MessengerConfig = { pageId: read('pageId', ID_PATTERN), pageAccessToken: read('pageAccessToken', /^\S+$/), humanAgentTag: readFlag(raw, problems) };
  if (problems.length > 0) throw new ChannelError('INVALID_CONFIG', `Invalid Messenger config: ${problems.join('; ')}`);
  return config;
}

/** Validates an Instagram config; see {@link parseMessengerConfig}. */
export function parseInstagramConfig(input: unknown): InstagramConfig {
  const problems: string[] = [];
  const { raw, read } = reader(input, 'Instagram', problems);
  const config: InstagramConfig = {
    instagramAccountId: read('instagramAccountId', ID_PATTERN),
    pageId: read('pageId', ID_PATTERN),
    pageAccessToken: read('pageAccessToken', /^\S+$/),
    humanAgentTag: readFlag(raw, problems),
  };
  if (problems.length > 0) throw new ChannelError('INVALID_CONFIG', `Invalid Instagram config: ${problems.join('; ')}`);
  return config;
}

/** The reply window of a channel: 7 days with `humanAgentTag`, else 24 hours. */
export function windowOf(config: Partial<MessengerConfig>): number {
  return config.humanAgentTag === true ? HUMAN_AGENT_WINDOW_MS : STANDARD_WINDOW_MS;
}

/** Graph API base URL from `META_GRAPH_URL` (default {@link DEFAULT_GRAPH_URL}), without trailing slash. */
export function graphBaseUrl(runtime: Pick<PluginRuntime, 'setting'>): string {
  const configured = runtime.setting(SETTINGS.graphUrl)?.trim();
  return (configured || DEFAULT_GRAPH_URL).replace(/\/+$/, '');
}
