// @vitest-environment happy-dom
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { channelsSettingsApi } from '../api/channels.js';
import { ApiError, SESSION_KEY, useAuthStore } from '@parley/ui-kit';
import { useChannelsStore } from './channels.store.js';
import { useWorkspaceStore } from './workspace.store.js';
import { channelDetail, entitlements } from '../components/channels/fixtures.js';

vi.mock('../api/channels.js', () => ({
  channelsSettingsApi: { list: vi.fn(), create: vi.fn(), update: vi.fn(), remove: vi.fn(), entitlements: vi.fn(), loginConfig: vi.fn(), login: vi.fn() },
}));

function signInAs(role: 'owner' | 'admin' | 'agent') {
  localStorage.setItem(SESSION_KEY, JSON.stringify({ accessToken: 't', user: { id: 'u1', name: 'Ana', email: 'a@x', role }, tenant: { id: 'tn', name: 'T' } }));
}

beforeEach(() => {
  localStorage.clear();
  vi.resetAllMocks();
});

describe('channels store', () => {
  it('loads channels and entitlements; offers the allowed types in a stable order with what remains; keeps the workspace channels in step', async () => {
    signInAs('owner');
    setActivePinia(createPinia());
    vi.mocked(channelsSettingsApi.list).mockResolvedValue({ data: [channelDetail(), channelDetail({ id: 'ch-2', name: 'Second' })], nextCursor: null });
    vi.mocked(channelsSettingsApi.entitlements).mockResolvedValue(entitlements({ whatsapp: 3, telegram: 1 }));
    const s = useChannelsStore();
    await s.load();
    expect(s.canManage).toBe(true);
    expect(s.typeOptions.map((o) => o.type)).toEqual(['whatsapp', 'telegram', 'instagram']);
    expect(s.typeOptions[0]).toMatchObject({ available: false, remaining: 0 });
    expect(s.typeOptions[1]).toMatchObject({ available: true, remaining: 2 });
    expect(useWorkspaceStore().channels.map((c) => c.name)).toEqual(['Main', 'Second']);
  });

  it('agents cannot manage', async () => {
    signInAs('agent');
    setActivePinia(createPinia());
    expect(useChannelsStore().canManage).toBe(false);
    expect(useAuthStore().user?.role).toBe('agent');
  });

  it('creates (then refreshes the plan usage); a refused create throws and adds nothing', async () => {
    signInAs('admin');
    setActivePinia(createPinia());
    vi.mocked(channelsSettingsApi.list).mockResolvedValue({ data: [], nextCursor: null });
    vi.mocked(channelsSettingsApi.entitlements).mockResolvedValue(entitlements());
    const s = useChannelsStore();
    await s.load();
    vi.mocked(channelsSettingsApi.create).mockRejectedValueOnce(new ApiError(422, 'CHANNEL_CREDENTIALS_INVALID', 'The provider rejected the credentials'));
    await expect(s.create('whatsapp', 'Main', { accessToken: 'bad' })).rejects.toMatchObject({ code: 'CHANNEL_CREDENTIALS_INVALID' });
    expect(s.items).toEqual([]);
    vi.mocked(channelsSettingsApi.create).mockResolvedValueOnce(channelDetail());
    vi.mocked(channelsSettingsApi.entitlements).mockResolvedValue(entitlements({ whatsapp: 1 }));
    await s.create('whatsapp', 'Main', { accessToken: 'good' });
    expect(channelsSettingsApi.create).toHaveBeenLastCalledWith({ type: 'whatsapp', name: 'Main', config: { accessToken: 'good' } });
    expect(s.items.map((c) => c.id)).toEqual(['ch-1']);
    expect(s.typeOptions.find((o) => o.type === 'whatsapp')?.remaining).toBe(2);
  });

  it('renames, pauses, resumes, reconnects and removes through the API', async () => {
    signInAs('owner');
    setActivePinia(createPinia());
    vi.mocked(channelsSettingsApi.list).mockResolvedValue({ data: [channelDetail({ status: 'error', needsAttention: true })], nextCursor: null });
    vi.mocked(channelsSettingsApi.entitlements).mockResolvedValue(entitlements({ whatsapp: 1 }));
    const s = useChannelsStore();
    await s.load();
    expect(s.needingAttention).toHaveLength(1);
    vi.mocked(channelsSettingsApi.update).mockResolvedValueOnce(channelDetail({ name: 'Support' }));
    await s.rename('ch-1', 'Support');
    expect(channelsSettingsApi.update).toHaveBeenLastCalledWith('ch-1', { name: 'Support' });
    expect(s.items[0].name).toBe('Support');
    expect(s.needingAttention).toHaveLength(0);
    vi.mocked(channelsSettingsApi.update).mockResolvedValueOnce(channelDetail({ status: 'paused' }));
    await s.setPaused('ch-1', true);
    expect(channelsSettingsApi.update).toHaveBeenLastCalledWith('ch-1', { status: 'paused' });
    vi.mocked(channelsSettingsApi.update).mockResolvedValueOnce(channelDetail());
    await s.setPaused('ch-1', false);
    expect(channelsSettingsApi.update).toHaveBeenLastCalledWith('ch-1', { status: 'connected' });
    vi.mocked(channelsSettingsApi.update).mockResolvedValueOnce(channelDetail());
    await s.reconnect('ch-1', { accessToken: 'new' });
    expect(channelsSettingsApi.update).toHaveBeenLastCalledWith('ch-1', { config: { accessToken: 'new' } });
    vi.mocked(channelsSettingsApi.remove).mockResolvedValueOnce(undefined);
    await s.remove('ch-1');
    expect(s.items).toEqual([]);
    expect(useWorkspaceStore().channels).toEqual([]);
  });
});
