import { describe, expect, it } from 'vitest';
import { AppError } from '../http/app-error.js';
import { EntitlementsService } from './entitlements.service.js';
import { BUILT_IN_PLANS } from './plans.js';

describe('EntitlementsService', () => {
  const s = new EntitlementsService();
  it('default plan: every channel type, 3 per type, 10 users', () => {
    expect(() => s.assertCanAddChannel('default', 'whatsapp', 2)).not.toThrow();
    expect(() => s.assertCanAddChannel('default', 'telegram', 0)).not.toThrow();
    const e = (() => { try { s.assertCanAddChannel('default', 'whatsapp', 3); } catch (err) { return err as AppError; } })();
    expect(e?.code).toBe('PLAN_LIMIT_REACHED');
    expect(e?.status).toBe(403);
    expect(() => s.assertCanAddUser('default', 9)).not.toThrow();
    expect(() => s.assertCanAddUser('default', 10)).toThrow(/at most 10 users/);
  });
  it('refuses channel types outside the plan', () => {
    BUILT_IN_PLANS.test_basic = { id: 'test_basic', name: 'Basic', channelTypes: ['webchat'], channelsPerType: 1, maxUsers: 2, features: [] };
    try {
      s.assertCanAddChannel('test_basic', 'whatsapp', 0);
      expect.unreachable();
    } catch (err) {
      expect((err as AppError).code).toBe('CHANNEL_TYPE_NOT_IN_PLAN');
      expect((err as AppError).status).toBe(403);
    } finally {
      delete BUILT_IN_PLANS.test_basic;
    }
  });
  it('describes the plan: allowed installed types first with limit, used and remaining; users; features', () => {
    BUILT_IN_PLANS.test_basic = { id: 'test_basic', name: 'Basic', channelTypes: ['telegram'], channelsPerType: 2, maxUsers: 3, features: ['flows'] };
    try {
      const d = s.describe('test_basic', {
        installed: [
          { type: 'whatsapp', displayName: 'WhatsApp', login: false },
          { type: 'telegram', displayName: 'Telegram', login: false },
        ],
        channelsByType: { telegram: 2, whatsapp: 1, gone: 1 },
        users: 4,
      });
      expect(d.plan).toEqual({ id: 'test_basic', name: 'Basic' });
      expect(d.channelTypes.map((c) => c.type)).toEqual(['telegram', 'whatsapp']);
      expect(d.channelTypes[0]).toMatchObject({ allowed: true, limit: 2, used: 2, remaining: 0 });
      expect(d.channelTypes[1]).toMatchObject({ allowed: false, limit: 0, used: 1, remaining: 0 });
      expect(d.channelsOfUninstalledTypes).toEqual({ gone: 1 });
      expect(d.users).toEqual({ used: 4, limit: 3, remaining: 0 });
      expect(d.features).toEqual(['flows']);
    } finally {
      delete BUILT_IN_PLANS.test_basic;
    }
  });
});
