/** Channel accounts and the plan's entitlements (Settings → Channels). */
import { http } from '@parley/ui-kit';
import type { Page } from './types.js';

export type ChannelStatus = 'connected' | 'paused' | 'error' | 'disconnected';

/** A channel as `GET /api/v1/channels` answers it (secrets never included). */
export interface ChannelDetail {
  id: string;
  type: string;
  name: string;
  status: ChannelStatus | string;
  accountId: string | null;
  config: Record<string, unknown>;
  info: Record<string, unknown> | null;
  createdAt: string;
  lastWebhookAt: string | null;
  lastSentAt: string | null;
  lastSendError: { code: string; message: string; at: string } | null;
  needsAttention: boolean;
  attention: { code: string; message: string; instructions: string } | null;
  /** Web chat: the one-line `<script>` to paste in a site (when the plugin provides it). */
  snippet?: string;
  demoUrl?: string;
}

export interface ChannelTypeEntitlement {
  type: string;
  displayName: string;
  login: boolean;
  allowed: boolean;
  limit: number;
  used: number;
  remaining: number;
}

export interface Entitlements {
  plan: { id: string; name: string };
  channelTypes: ChannelTypeEntitlement[];
  channelsOfUninstalledTypes: Record<string, number>;
  users: { used: number; limit: number; remaining: number };
  features: string[];
}

export interface LoginConfig {
  type: string;
  supported: boolean;
  available: boolean;
  provider: 'facebook' | string | null;
  appId: string | null;
  dialogUrl: string | null;
  scopes: string[];
  reason?: string | null;
  /** WhatsApp: `embedded_signup`, with the Login for Business `configId`, the SDK URL and version. */
  flow?: string;
  configId?: string | null;
  sdkUrl?: string;
  graphVersion?: string;
  sessionInfoVersion?: string;
}

export interface LoginAccount {
  type: string;
  accountId: string;
  name: string;
  pictureUrl: string | null;
  [k: string]: unknown;
}

export interface LoginResult {
  loginSession: string;
  expiresAt: string;
  accounts: LoginAccount[];
}

export const channelsSettingsApi = {
  list: () => http.get<Page<ChannelDetail>>('/api/v1/channels'),
  create: (input: { type: string; name: string; config: Record<string, unknown> }) => http.post<ChannelDetail>('/api/v1/channels', input),
  update: (id: string, patch: { name?: string; status?: 'connected' | 'paused'; config?: Record<string, unknown> }) => http.patch<ChannelDetail>(`/api/v1/channels/${id}`, patch),
  remove: (id: string) => http.delete(`/api/v1/channels/${id}`),
  entitlements: () => http.get<Entitlements>('/api/v1/entitlements'),
  loginConfig: (type: string) => http.get<LoginConfig>(`/api/v1/channels/login/${encodeURIComponent(type)}/config`),
  login: (type: string, code: string, redirectUri?: string, extras?: Record<string, string>) =>
    http.post<LoginResult>(`/api/v1/channels/login/${encodeURIComponent(type)}`, { code, ...(redirectUri ? { redirectUri } : {}), ...(extras ? { extras } : {}) }),
};
