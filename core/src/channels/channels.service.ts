import { Injectable } from '@nestjs/common';
import { isChannelError, type ChannelDefinition, type LoginAccount, type LoginExchangeInput } from '@parley/sdk';
import { EntitlementsService } from '../entitlements/entitlements.service.js';
import { isUniqueViolation } from '../database/errors.js';
import { newId } from '../database/ids.js';
import { AppError, notFound } from '../http/app-error.js';
import { assertCan } from '../tenancy/abilities.js';
import type { AuthUser } from '../tenancy/auth.types.js';
import { TenancyRepository } from '../tenancy/tenancy.repository.js';
import type { ChannelEntity } from './channel.entity.js';
import { ChannelRuntime } from './channel-runtime.js';
import { ChannelErrors } from './channels.errors.js';
import { ChannelsRepository } from './channels.repository.js';
import { OutboundDispatcher } from './outbound.dispatcher.js';
import { ChannelTemplatesService } from './templates.service.js';

/** Public JSON of a channel: secrets are never included. */
export interface ChannelJson {
  id: string;
  type: string;
  name: string;
  status: string;
  accountId: string | null;
  config: Record<string, unknown>;
  info: Record<string, unknown> | null;
  createdAt: string;
  /** Health: last webhook received, last successful send, last send error. */
  lastWebhookAt: string | null;
  lastSentAt: string | null;
  lastSendError: { code: string; message: string; at: string } | null;
  /** True when the channel stopped working (status `error`): see `attention`. */
  needsAttention: boolean;
  attention: { code: string; message: string; instructions: string } | null;
}

/** What an admin does when a channel's credentials stopped working, per type. */
export const RECONNECT_INSTRUCTIONS: Record<string, string> = {
  whatsapp:
    'The access token was refused (expired, revoked, or the system user lost access to the WhatsApp Business Account). Create a new permanent token in Meta Business Settings → System users (permissions whatsapp_business_messaging and whatsapp_business_management), then reconnect the channel with it.',
  telegram: 'The bot token was refused (revoked or regenerated in @BotFather). Send /token to @BotFather to get the current token, then reconnect the channel with it.',
  messenger: 'The page token was refused (password change, the admin left the page, or the app lost its permissions). Log in with Facebook again and pick the same page to reconnect.',
  instagram: 'The page token was refused (password change, the admin left the page, or the app lost its permissions). Log in with Facebook again and pick the same Instagram account to reconnect.',
};
const GENERIC_RECONNECT = 'The provider refused the channel\'s credentials. Get new credentials from the provider and reconnect the channel with them.';

const iso = (ms: number | null | undefined) => (ms ? new Date(ms).toISOString() : null);

export const toChannelJson = (c: ChannelEntity): ChannelJson => {
  const err = c.lastSendError ?? null;
  const needsAttention = c.status === 'error';
  return {
    id: c.id,
    type: c.type,
    name: c.name,
    status: c.status,
    accountId: c.accountId,
    config: c.config ?? {},
    info: c.info,
    createdAt: new Date(c.createdAt).toISOString(),
    lastWebhookAt: iso(c.lastWebhookAt),
    lastSentAt: iso(c.lastSentAt),
    lastSendError: err ? { code: err.code, message: err.message, at: new Date(err.at).toISOString() } : null,
    needsAttention,
    attention: needsAttention
      ? { code: err?.code ?? 'INVALID_CREDENTIALS', message: err?.message ?? 'The provider refused the credentials', instructions: RECONNECT_INSTRUCTIONS[c.type] ?? GENERIC_RECONNECT }
      : null,
  };
};

/**
 * `GET /api/v1/channels/login/:type/config`. Facebook Login (OAuth dialog) flows fill
 * `dialogUrl` and `scopes`; plugins that describe their own flow (`login.clientConfig`, e.g.
 * WhatsApp Embedded Signup: `flow`, `configId`, `sdkUrl`, `graphVersion`) add their fields.
 */
export interface LoginConfigJson {
  type: string;
  /** The type has a login exchange. */
  supported: boolean;
  /** It can be used now (the platform's app is configured). */
  available: boolean;
  provider: string | null;
  appId: string | null;
  dialogUrl: string | null;
  scopes: string[];
  reason?: string | null;
  [key: string]: unknown;
}

/** How long a login session (accounts found by a login exchange) may be used to create channels. */
export const LOGIN_SESSION_TTL_MS = 30 * 60_000;

/** Sealed content of a `loginSession`: the accounts with their configs, bound to one tenant. */
interface LoginSession {
  v: 1;
  tenantId: string;
  exp: number;
  accounts: LoginAccount[];
}

/** Public JSON of a login exchange: the accounts without their configs. */
export interface LoginJson {
  loginSession: string;
  expiresAt: string;
  accounts: ({ type: string; accountId: string; name: string; pictureUrl: string | null } & Record<string, unknown>)[];
}

function splitSecrets(def: ChannelDefinition<any>, config: Record<string, unknown>) {
  const plain: Record<string, unknown> = {};
  const secrets: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) (def.secretFields.includes(k) ? secrets : plain)[k] = v;
  return { plain, secrets };
}

/** Connecting and listing channel accounts ("sessions"). */
@Injectable()
export class ChannelsService {
  constructor(
    private readonly repo: ChannelsRepository,
    private readonly runtime: ChannelRuntime,
    private readonly entitlements: EntitlementsService,
    private readonly tenancy: TenancyRepository,
    private readonly dispatcher: OutboundDispatcher,
    private readonly templates: ChannelTemplatesService,
  ) {}

  /**
   * Validates the config, checks the plan, verifies the credentials with the provider, and
   * stores the channel with its secrets encrypted.
   * @throws AppError FORBIDDEN, CHANNEL_TYPE_UNKNOWN, CHANNEL_CONFIG_INVALID, PLAN_LIMIT_REACHED,
   *   CHANNEL_TYPE_NOT_IN_PLAN, CHANNEL_CREDENTIALS_INVALID, CHANNEL_PROVIDER_UNAVAILABLE, CHANNEL_ACCOUNT_TAKEN.
   */
  async create(auth: AuthUser, input: { type: string; name: string; config: unknown }): Promise<ChannelJson> {
    assertCan(auth.role, 'create', 'Channel');
    const def = this.runtime.definition(input.type);
    const tenant = await this.tenancy.findTenant(auth.tenantId);
    if (!tenant) throw notFound('Tenant');
    const existing = (await this.repo.list(auth.tenantId)).filter((c) => c.type === input.type).length;
    this.entitlements.assertCanAddChannel(tenant.planId, input.type, existing);

    let config: Record<string, unknown>;
    const raw = input.config as Record<string, unknown> | null;
    const rawConfig = raw && typeof raw === 'object' && typeof raw.loginSession === 'string' ? this.configFromLogin(auth, input.type, def, raw) : input.config;
    try {
      config = def.parseConfig(rawConfig) as Record<string, unknown>;
    } catch (err) {
      throw ChannelErrors.invalidConfig(err instanceof Error ? err.message : String(err));
    }
    // the id exists before connect so that plugins can register per-channel webhook URLs
    const channelId = newId();
    let connected;
    try {
      connected = await def.connect({ ...this.runtime.runtime, channelId, tenantId: auth.tenantId, config });
    } catch (err) {
      if (isChannelError(err) && err.code === 'INVALID_CREDENTIALS') throw ChannelErrors.invalidCredentials(err.message, err.providerCode);
      if (isChannelError(err) && err.code === 'INVALID_CONFIG') throw ChannelErrors.invalidConfig(err.message);
      throw ChannelErrors.providerUnavailable(err instanceof Error ? err.message : String(err));
    }
    const { plain, secrets } = splitSecrets(def, { ...config, ...(connected.configPatch ?? {}) });
    try {
      const row = await this.repo.create(
        auth.tenantId,
        { id: channelId, type: input.type, name: input.name, status: 'connected', accountId: connected.accountId, config: plain, secretsEnc: this.runtime.box.seal(secrets), info: connected.info ?? null },
        (count) => this.entitlements.assertCanAddChannel(tenant.planId, input.type, count),
      );
      this.runtime.invalidate();
      return this.toJson(row);
    } catch (err) {
      // the account is connected elsewhere: its provider-side set-up belongs to that channel
      if (isUniqueViolation(err)) throw ChannelErrors.accountTaken(input.type, connected.accountId);
      await def.disconnect?.({ ...this.runtime.runtime, channelId, tenantId: auth.tenantId, config }).catch(() => undefined);
      throw err;
    }
  }

  /**
   * Exchanges a login code (e.g. Facebook Login for Business) for the accounts the user can
   * connect. Their configs (page tokens) stay server-side: the answer carries them only inside
   * `loginSession`, sealed with the server's key and bound to the tenant, which
   * `POST /channels {type, name, config: {loginSession, <id field>}}` accepts.
   * @throws AppError FORBIDDEN, CHANNEL_TYPE_UNKNOWN, CHANNEL_LOGIN_NOT_SUPPORTED, CHANNEL_CREDENTIALS_INVALID,
   *   CHANNEL_CONFIG_INVALID, CHANNEL_PROVIDER_UNAVAILABLE.
   */
  async login(auth: AuthUser, type: string, input: LoginExchangeInput): Promise<LoginJson> {
    assertCan(auth.role, 'create', 'Channel');
    const def = this.runtime.definition(type);
    if (!def.login) throw ChannelErrors.loginNotSupported(type);
    let accounts: LoginAccount[];
    try {
      accounts = await def.login.exchange(input, this.runtime.runtime);
    } catch (err) {
      if (isChannelError(err) && err.code === 'INVALID_CREDENTIALS') throw ChannelErrors.invalidCredentials(err.message, err.providerCode);
      if (isChannelError(err) && err.code === 'INVALID_CONFIG') throw ChannelErrors.invalidConfig(err.message);
      throw ChannelErrors.providerUnavailable(err instanceof Error ? err.message : String(err));
    }
    const exp = Date.now() + LOGIN_SESSION_TTL_MS;
    const session: LoginSession = { v: 1, tenantId: auth.tenantId, exp, accounts };
    return {
      loginSession: this.runtime.box.seal(session),
      expiresAt: new Date(exp).toISOString(),
      accounts: accounts.map((a) => ({ ...(a.info ?? {}), type: a.type, accountId: a.accountId, name: a.name, pictureUrl: a.pictureUrl ?? null })),
    };
  }

  /**
   * The config of the login account picked by `raw` (`{loginSession, ...}`): the account of this
   * type whose config agrees with every other non-secret key given (e.g. `pageId`), or whose
   * `accountId` is given. Plain keys the account lacks (e.g. `humanAgentTag`) are kept.
   * @throws AppError CHANNEL_LOGIN_SESSION_INVALID.
   */
  private configFromLogin(auth: AuthUser, type: string, def: ChannelDefinition<any>, raw: Record<string, unknown>): Record<string, unknown> {
    let session: LoginSession;
    try {
      session = this.runtime.box.open<LoginSession>(String(raw.loginSession));
    } catch {
      throw ChannelErrors.loginSessionInvalid('The login session is not valid: log in again');
    }
    if (session.v !== 1 || session.tenantId !== auth.tenantId) throw ChannelErrors.loginSessionInvalid('The login session is not valid: log in again');
    if (session.exp < Date.now()) throw ChannelErrors.loginSessionInvalid('The login session has expired: log in again');
    const { loginSession: _session, accountId, ...rest } = raw;
    const plain = Object.fromEntries(Object.entries(rest).filter(([k]) => !def.secretFields.includes(k)));
    const candidates = session.accounts.filter((a) => a.type === type);
    const matches = candidates.filter((a) => {
      const keys = Object.keys(plain).filter((k) => k in a.config);
      if (accountId === undefined && keys.length === 0) return false;
      return (accountId === undefined || String(accountId) === a.accountId) && keys.every((k) => String(plain[k]) === String(a.config[k]));
    });
    if (matches.length !== 1) {
      throw ChannelErrors.loginSessionInvalid(`Pick one ${type} account of the login session (by accountId or its id field)`, {
        accounts: candidates.map((a) => ({ accountId: a.accountId, name: a.name })),
      });
    }
    return { ...plain, ...matches[0].config };
  }

  /**
   * What a front end needs to start the login flow of `type` (Facebook Login for Business for
   * `messenger` / `instagram`): `available` is false when the type has no login exchange or the
   * platform's Meta app is not configured (then the UI offers the manual page-token form).
   * @throws AppError FORBIDDEN, CHANNEL_TYPE_UNKNOWN.
   */
  loginConfig(auth: AuthUser, type: string): LoginConfigJson {
    assertCan(auth.role, 'create', 'Channel');
    const def = this.runtime.definition(type);
    const setting = this.runtime.runtime.setting;
    if (!def.login) return { type, supported: false, available: false, provider: null, appId: null, dialogUrl: null, scopes: [], reason: `Channel type "${type}" has no login flow` };
    if (def.login.clientConfig) {
      const own = def.login.clientConfig(this.runtime.runtime);
      return { dialogUrl: null, scopes: [], ...own, type, supported: true, appId: own.appId ?? null, reason: own.reason ?? null };
    }
    const appId = setting('META_APP_ID') || null;
    const version = /\/(v\d+\.\d+)\/?$/.exec(setting('META_GRAPH_URL') ?? '')?.[1] ?? 'v24.0';
    const ready = !!appId && !!setting('META_APP_SECRET');
    return {
      type,
      supported: true,
      available: ready,
      provider: 'facebook',
      appId,
      dialogUrl: `https://www.facebook.com/${version}/dialog/oauth`,
      scopes: ['pages_show_list', 'pages_manage_metadata', 'pages_messaging', 'business_management', ...(type === 'instagram' ? ['instagram_basic', 'instagram_manage_messages'] : [])],
      reason: ready ? null : 'The platform has no Meta app configured (META_APP_ID and META_APP_SECRET)',
    };
  }

  async list(auth: AuthUser): Promise<ChannelJson[]> {
    assertCan(auth.role, 'read', 'Channel');
    return (await this.repo.list(auth.tenantId)).map((c) => this.toJson(c));
  }

  /** @throws AppError NOT_FOUND (also for another tenant's id). */
  async get(auth: AuthUser, id: string): Promise<ChannelJson> {
    assertCan(auth.role, 'read', 'Channel');
    const c = await this.repo.get(auth.tenantId, id);
    if (!c) throw notFound('Channel', id);
    return this.toJson(c);
  }

  /** The channel's JSON plus the public fields its plugin adds (`publicFields`, e.g. the web chat's `snippet`); core fields win. */
  private toJson(c: ChannelEntity): ChannelJson {
    const json = toChannelJson(c);
    const def = this.runtime.definitionOrNull(c.type);
    if (!def?.publicFields) return json;
    const extra = def.publicFields({ id: c.id, tenantId: c.tenantId, name: c.name, config: c.config ?? {}, info: c.info }, this.runtime.runtime);
    return { ...extra, ...json };
  }

  /**
   * Renames, pauses (`paused`: inbound still stored, outbound held queued) or resumes
   * (`connected`) a channel; with `config`, reconnects it with new credentials (verified with the
   * provider; they must belong to the same account), which also clears the `error` state.
   * @throws AppError FORBIDDEN, NOT_FOUND, CONFLICT (resuming a channel in `error` without new
   *   credentials), CHANNEL_CONFIG_INVALID, CHANNEL_CREDENTIALS_INVALID, CHANNEL_PROVIDER_UNAVAILABLE, CHANNEL_ACCOUNT_TAKEN.
   */
  async update(auth: AuthUser, id: string, input: { name?: string; status?: 'connected' | 'paused'; config?: Record<string, unknown> }): Promise<ChannelJson> {
    assertCan(auth.role, 'update', 'Channel');
    const c = await this.repo.get(auth.tenantId, id);
    if (!c) throw notFound('Channel', id);
    const patch: Parameters<ChannelsRepository['update']>[2] = {};
    if (input.name !== undefined) patch.name = input.name;
    if (input.config) {
      const def = this.runtime.definition(c.type);
      const current = this.runtime.context(c).config;
      let config: Record<string, unknown>;
      try {
        const given = typeof input.config.loginSession === 'string' ? this.configFromLogin(auth, c.type, def, input.config) : input.config;
        config = def.parseConfig({ ...current, ...given }) as Record<string, unknown>;
      } catch (err) {
        throw ChannelErrors.invalidConfig(err instanceof Error ? err.message : String(err));
      }
      let connected;
      try {
        connected = await def.connect({ ...this.runtime.runtime, channelId: c.id, tenantId: auth.tenantId, config });
      } catch (err) {
        if (isChannelError(err) && err.code === 'INVALID_CREDENTIALS') throw ChannelErrors.invalidCredentials(err.message, err.providerCode);
        if (isChannelError(err) && err.code === 'INVALID_CONFIG') throw ChannelErrors.invalidConfig(err.message);
        throw ChannelErrors.providerUnavailable(err instanceof Error ? err.message : String(err));
      }
      if (c.accountId && connected.accountId !== c.accountId) {
        throw ChannelErrors.invalidConfig(`These credentials belong to another ${c.type} account (${connected.accountId}, not ${c.accountId}): connect it as a new channel`);
      }
      const { plain, secrets } = splitSecrets(def, { ...config, ...(connected.configPatch ?? {}) });
      Object.assign(patch, { config: plain, secretsEnc: this.runtime.box.seal(secrets), info: connected.info ?? c.info, clearError: true });
      patch.status = input.status ?? (c.status === 'paused' ? 'paused' : 'connected');
    } else if (input.status !== undefined && input.status !== c.status) {
      if (c.status === 'error') {
        throw new AppError('CONFLICT', 'This channel needs new credentials: reconnect it with PATCH {config}', { status: c.status, instructions: RECONNECT_INSTRUCTIONS[c.type] ?? GENERIC_RECONNECT });
      }
      patch.status = input.status;
    }
    const row = await this.repo.update(auth.tenantId, id, patch);
    if (!row) throw notFound('Channel', id);
    this.runtime.invalidate();
    if (input.config) this.templates.forget(id);
    if (row.status === 'connected' && c.status !== 'connected') this.dispatcher.resume(id);
    return toChannelJson(row);
  }

  /** Disconnects (provider clean-up, best effort) and deletes the channel; its chats stay. */
  async remove(auth: AuthUser, id: string): Promise<void> {
    assertCan(auth.role, 'delete', 'Channel');
    const c = await this.repo.get(auth.tenantId, id);
    if (!c) throw notFound('Channel', id);
    const def = this.runtime.definition(c.type);
    await def.disconnect?.(this.runtime.context(c)).catch(() => undefined);
    await this.repo.remove(auth.tenantId, id);
    this.runtime.invalidate();
    this.templates.forget(id);
  }
}
