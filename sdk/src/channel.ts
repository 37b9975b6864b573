/**
 * The channel contract: what a channel plugin (WhatsApp, Telegram, Messenger, ...) implements
 * so the host can connect accounts, receive webhooks and send messages.
 */
import type { InboundAccountEvent, InboundEvent, OutboundMessage, SendResult } from './messages.js';

/** Minimal JSON Schema object used to describe configs to generic forms. */
export type JsonSchema = { [key: string]: unknown };

/** Logger handed to plugins (pino-compatible subset). */
export interface PluginLogger {
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
}

/** An HTTP request as the host received it, before any JSON parsing. */
export interface WebhookRequest {
  method: string;
  /** Path params, e.g. `{channelId}` for per-channel webhook routes. */
  params: Record<string, string>;
  /** Query string values (first value when repeated). */
  query: Record<string, string>;
  /** Header names lower-cased. */
  headers: Record<string, string | undefined>;
  /** The exact bytes received; signatures are computed over these. */
  rawBody: Buffer;
}

/** A plain HTTP answer a plugin may ask the host to send (e.g. the verification handshake). */
export interface WebhookResponse {
  status: number;
  body: string;
  contentType?: string;
}

/**
 * Values the host gives every plugin call: platform settings the plugin declared it reads
 * (e.g. `META_APP_SECRET`, `META_GRAPH_URL`), a `fetch` (the host may log, time out or restrict
 * it), and a logger.
 */
export interface PluginRuntime {
  /** A platform setting by name, or undefined when unset. */
  setting(name: string): string | undefined;
  fetch: typeof fetch;
  logger: PluginLogger;
}

/**
 * A live event for a recipient who is connected to Parley itself rather than to a provider
 * (a web-chat visitor's browser): `type` names the event (`message`, `typing`, ...), `data` is
 * its JSON payload, delivered as is.
 */
export interface PushEvent {
  type: string;
  data: Record<string, unknown>;
}

/** Context of an operation on one connected channel account. */
export interface ChannelContext<Config> extends PluginRuntime {
  channelId: string;
  tenantId: string;
  /** The channel's config with secrets decrypted. */
  config: Config;
  /**
   * Delivers a live event to a recipient connected to the host (e.g. the sockets of the web-chat
   * visitor `recipientExternalId` of this channel). Resolves once handed to the host's realtime
   * layer (recipients who are offline simply miss it; the message history still has it). Absent
   * on hosts without such a transport (and in test contexts unless given).
   */
  push?(recipientExternalId: string, event: PushEvent): Promise<void>;
}

/** What a plugin may read of a stored channel when it describes it (no secrets). */
export interface PublicChannel<Config = Record<string, unknown>> {
  id: string;
  tenantId: string;
  name: string;
  /** The channel's config without its secret fields. */
  config: Partial<Config>;
  /** What `connect` returned as `info`. */
  info: Record<string, unknown> | null;
}

/** Result of connecting an account: what the host stores on the channel row. */
export interface ConnectResult {
  /** Routing key of the account (WhatsApp phone_number_id); unique per channel type. */
  accountId: string;
  /** Provider-side display data (display phone number, bot username, page name). */
  info?: Record<string, unknown>;
  /** Config values the plugin generated while connecting (e.g. a webhook secret), merged into config. */
  configPatch?: Record<string, unknown>;
}

/** A contact profile fetched from the provider. */
export interface ChannelProfile {
  name?: string | null;
  /** A public picture URL the host may store as is (it must not carry credentials). */
  avatarUrl?: string | null;
  /**
   * A picture the host downloads with the channel's `downloadMedia` and serves from its own
   * storage (for providers whose file URLs carry credentials, e.g. Telegram's bot token).
   * Used when `avatarUrl` is absent.
   */
  avatar?: { providerMediaId: string } | null;
  username?: string | null;
  phone?: string | null;
}

/** A downloaded media file. */
export interface DownloadedMedia {
  data: Buffer;
  mimeType: string;
  filename?: string;
}

/** What the host knows of the chat when it asks for a typing indicator. */
export interface TypingTarget {
  to: { externalId: string; phone?: string | null };
  /** Provider id of the chat's last inbound message (WhatsApp marks it read with the indicator). */
  lastInboundExternalId?: string | null;
}

/** A token bucket: `ratePerSec` tokens refill per second up to `burst`. */
export interface RateLimit {
  ratePerSec: number;
  burst: number;
}

/** One account a login exchange found (e.g. a Facebook Page or an Instagram professional account). */
export interface LoginAccount {
  /** Channel type the account connects as (`messenger`, `instagram`, ...). */
  type: string;
  /** The routing key the channel will get (`ConnectResult.accountId`). */
  accountId: string;
  name: string;
  pictureUrl?: string | null;
  /** Complete channel config of this account, secrets included: never sent to browsers. */
  config: Record<string, unknown>;
  /** Provider extras shown to the admin (e.g. `{linkedInstagram: {id, username}}`). */
  info?: Record<string, unknown>;
}

/** What the front end hands to a login exchange. */
export interface LoginExchangeInput {
  /** The authorization code the provider's login gave the front end. */
  code: string;
  /**
   * The redirect URI the code was obtained with (OAuth dialog redirects). Absent for codes from
   * a JavaScript SDK popup (e.g. `FB.login` with `response_type: 'code'`), which have none.
   */
  redirectUri?: string;
  /**
   * Other values the provider's front-end flow reported besides the code, as strings: e.g.
   * WhatsApp Embedded Signup's `{wabaId, phoneNumberId}` from its `WA_EMBEDDED_SIGNUP` message
   * event, and the 6-digit `pin` the admin chose. The plugin validates them.
   */
  extras?: Record<string, string>;
}

/**
 * What a front end needs to start a login flow, as `GET /api/v1/channels/login/:type/config`
 * answers it (merged with `{type, supported: true}`). `available` false (with a `reason`) when
 * the platform lacks a setting the flow needs. Flow-specific public values ride along (e.g.
 * `flow: "embedded_signup"`, `configId`, `sdkUrl`, `graphVersion`); never put secrets here.
 */
export interface LoginClientConfig {
  /** Provider whose login this is, e.g. `facebook`. */
  provider: string;
  available: boolean;
  reason?: string | null;
  /** The provider-side app id the front end initialises its SDK / dialog with. */
  appId?: string | null;
  [key: string]: unknown;
}

/** Login exchange of a channel type (see {@link ChannelDefinition.login}). */
export interface ChannelLogin {
  /**
   * Exchanges an authorization `code` for the accounts the user can connect (performing any
   * provider-side onboarding the flow needs, e.g. subscribing webhooks). Throws
   * `ChannelError('INVALID_CREDENTIALS')` for a rejected or expired code,
   * `ChannelError('INVALID_CONFIG')` when the platform is not set up for it or the input is incomplete.
   */
  exchange(input: LoginExchangeInput, runtime: PluginRuntime): Promise<LoginAccount[]>;
  /**
   * The public values the front end starts the flow with. When absent, hosts describe a
   * Facebook Login for Business OAuth dialog (the Messenger / Instagram flow).
   */
  clientConfig?(runtime: PluginRuntime): LoginClientConfig;
}

/**
 * A pre-approved message template the business may send outside the customer-service window
 * (WhatsApp message templates). Shapes follow the provider's template API.
 */
export interface MessageTemplate {
  name: string;
  /** Provider language code, e.g. `en_US`. */
  language: string;
  /** e.g. `UTILITY`, `MARKETING`, `AUTHENTICATION`. */
  category: string;
  /** e.g. `APPROVED`. */
  status: string;
  /** The provider's component objects as given (WhatsApp: `HEADER`, `BODY`, `FOOTER`, `BUTTONS`). */
  components: Record<string, unknown>[];
  /** How many distinct `{{…}}` placeholders the BODY component has (parameters a send must fill). */
  bodyParams: number;
}

/** Message templates of a channel type (see {@link ChannelDefinition.templates}). */
export interface ChannelTemplates<Config> {
  /**
   * The templates the channel may send now (approved ones only), all pages read. Throws
   * `ChannelError` like other calls (`INVALID_CREDENTIALS` when the token is refused).
   */
  list(ctx: ChannelContext<Config>): Promise<MessageTemplate[]>;
  /**
   * Key of the template collection the channel reads (WhatsApp: the WABA id, shared by its
   * numbers), used to invalidate host caches; default: the channel itself.
   */
  scope?(config: Partial<Config>): string | null;
  /**
   * For an account event of a webhook: the scope whose templates it changed (WhatsApp:
   * `message_template_status_update` → the WABA id), or null when it changed none.
   */
  changedScope?(event: InboundAccountEvent): string | null;
}

/** How the host routes incoming webhooks of this channel type to a channel row. */
export type WebhookRouting =
  /** One URL for the whole platform (`/webhooks/<type>`); events carry `accountId`. */
  | 'account'
  /** One URL per channel (`/webhooks/<type>/:channelId`); verified with that channel's config. */
  | 'channel';

/** Webhook handling of a channel type. */
export interface ChannelWebhook<Config> {
  routing: WebhookRouting;
  /**
   * Answers provider verification handshakes (e.g. Meta's GET `hub.challenge`). Return null
   * when the request is not a handshake.
   */
  handshake?(req: WebhookRequest, runtime: PluginRuntime): WebhookResponse | null;
  /**
   * Checks the request's authenticity over `req.rawBody` (timing-safe). For `channel` routing
   * the channel's config is given. Returning false makes the host answer 401 and store nothing.
   */
  verify(req: WebhookRequest, runtime: PluginRuntime, config?: Config): boolean;
  /**
   * Turns a verified body into normalised events. Throw `WebhookParseError` for a body that is
   * not the provider's format (the host answers 400). For `channel` routing, `accountId` of the
   * events may be anything; the host uses the channel from the URL.
   */
  parse(req: WebhookRequest, runtime: PluginRuntime): InboundEvent[];
}

/**
 * A channel type. Implement it with {@link defineChannel} and register it in `setup`.
 * Every method may throw `ChannelError`.
 */
export interface ChannelDefinition<Config extends object = Record<string, unknown>> {
  /** Stable type id, e.g. `whatsapp`; used in `POST /api/v1/channels {type}`. */
  type: string;
  /** Human name for UIs. */
  displayName: string;
  /** JSON Schema of the config, for generic forms. */
  configSchema: JsonSchema;
  /** Config keys that are secrets: encrypted at rest, never returned by the API. */
  secretFields: readonly string[];
  /** Validates and normalises raw config input; throws `ChannelError('INVALID_CONFIG')`. */
  parseConfig(input: unknown): Config;
  /** Customer-service window in ms after the customer's last message; free-form sends outside it are refused. */
  customerServiceWindowMs?: number;
  /**
   * The window for one channel when it depends on the channel's config (e.g. Messenger: 7 days
   * with the human-agent tag). Receives the config without secret fields; when absent or
   * returning undefined, `customerServiceWindowMs` applies.
   */
  customerServiceWindowFor?(config: Partial<Config>): number | undefined;
  /**
   * OAuth-style account linking (e.g. Facebook Login for Business): the host exchanges a code
   * from its front end for the accounts the user may connect, keeps their configs (secrets
   * included) server-side, and lets the admin create a channel by picking one.
   */
  login?: ChannelLogin;
  /**
   * Pre-approved message templates (WhatsApp): the host lists them for the inbox composer
   * (`GET /api/v1/channels/:id/templates`), caching them briefly per channel.
   */
  templates?: ChannelTemplates<Config>;
  /**
   * Send-rate limits the host's dispatcher respects (token buckets): `perAccount` for the whole
   * account (WhatsApp: 80 msg/s), `perRecipient` for one contact (WhatsApp: 1 per 6 s, bursts 45).
   */
  rateLimits?: { perAccount?: RateLimit; perRecipient?: RateLimit };
  /** Whether the host simulates typing (indicator + delay) before sends. Default true. */
  simulateTyping?: boolean;
  webhook: ChannelWebhook<Config>;
  /** Validates credentials with the provider and returns the account's routing key. */
  connect(ctx: ChannelContext<Config>): Promise<ConnectResult>;
  /** Releases provider-side resources (e.g. removes a webhook). */
  disconnect?(ctx: ChannelContext<Config>): Promise<void>;
  /** Delivers one message; returns the provider id. */
  send(ctx: ChannelContext<Config>, message: OutboundMessage): Promise<SendResult>;
  /** Shows a typing indicator to the recipient. */
  sendTyping?(ctx: ChannelContext<Config>, target: TypingTarget): Promise<void>;
  /** Fetches a user's profile (name, picture). */
  getProfile?(ctx: ChannelContext<Config>, externalUserId: string): Promise<ChannelProfile | null>;
  /** Downloads inbound media by provider media id. */
  downloadMedia?(ctx: ChannelContext<Config>, providerMediaId: string): Promise<DownloadedMedia>;
  /**
   * Extra public fields of the channel's API JSON (e.g. the web chat's embed `snippet`),
   * computed when the channel is read. They never replace the host's own fields (`id`, `type`,
   * `config`, ...); never put secrets here.
   */
  publicFields?(channel: PublicChannel<Config>, runtime: PluginRuntime): Record<string, unknown>;
  /**
   * A link that opens a chat with this account in the provider's own app ("click to chat"), with
   * `text` prefilled where the provider supports it, e.g. `https://wa.me/<number>?text=...`.
   * Null when the account has none (e.g. no display number known).
   */
  chatLink?(channel: PublicChannel<Config>, options: { text?: string }): string | null;
}

/** Identity helper that keeps the config type: `export default defineChannel<MyConfig>({...})`. */
export function defineChannel<Config extends object>(definition: ChannelDefinition<Config>): ChannelDefinition<Config> {
  if (!/^[a-z][a-z0-9_-]*$/.test(definition.type)) {
    throw new Error(`Invalid channel type "${definition.type}": use lower-case letters, digits, - or _`);
  }
  return definition;
}
