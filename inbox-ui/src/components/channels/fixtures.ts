/** Builders of channel API JSON for specs (complete objects). */
import type { ChannelDetail, Entitlements } from '../../api/channels.js';

export function channelDetail(over: Partial<ChannelDetail> = {}): ChannelDetail {
  return {
    id: 'ch-1', type: 'whatsapp', name: 'Main', status: 'connected', accountId: '1065', config: { phoneNumberId: '1065' }, info: null, createdAt: '2026-03-01T10:00:00.000Z',
    lastWebhookAt: null, lastSentAt: null, lastSendError: null, needsAttention: false, attention: null, ...over,
  };
}

export function entitlements(used: Record<string, number> = {}, over: Partial<Entitlements> = {}): Entitlements {
  const types = [
    ['telegram', 'Telegram', true],
    ['whatsapp', 'WhatsApp', true],
    ['instagram', 'Instagram', true],
    ['sms', 'SMS', false],
  ] as const;
  return {
    plan: { id: 'default', name: 'Default' },
    channelTypes: types.map(([type, displayName, allowed]) => ({
      type, displayName, login: type === 'instagram', allowed, limit: allowed ? 3 : 0, used: used[type] ?? 0, remaining: allowed ? Math.max(0, 3 - (used[type] ?? 0)) : 0,
    })),
    channelsOfUninstalledTypes: {},
    users: { used: 1, limit: 10, remaining: 9 },
    features: [],
    ...over,
  };
}

