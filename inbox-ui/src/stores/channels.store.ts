import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { channelsSettingsApi, type ChannelDetail, type ChannelTypeEntitlement, type Entitlements } from '../api/channels.js';
import { useAuthStore } from '@parley/ui-kit';
import { useWorkspaceStore } from './workspace.store.js';

/** Channel types the connection wizard has a form for, in the order it offers them. */
export const KNOWN_TYPES = ['whatsapp', 'telegram', 'messenger', 'instagram', 'webchat'] as const;

/** One choice of the "Add channel" step: a channel type the plan and the installed plugins allow. */
export interface TypeOption extends ChannelTypeEntitlement {
  /** False at the plan's limit for the type. */
  available: boolean;
}

/**
 * Settings → Channels: the tenant's channels with their health, the plan's entitlements, and
 * the write actions (owner/admin). Keeps the workspace store's channel list (badges, filters) in step.
 */
export const useChannelsStore = defineStore('channels', () => {
  const items = ref<ChannelDetail[]>([]);
  const entitlements = ref<Entitlements | null>(null);
  const loading = ref(false);
  const loaded = ref(false);

  const auth = useAuthStore();
  const canManage = computed(() => auth.user?.role === 'owner' || auth.user?.role === 'admin');

  /** Installed channel types the plan includes, with what remains (disabled at the limit). */
  const typeOptions = computed<TypeOption[]>(() => {
    const rank = (t: string) => {
      const i = (KNOWN_TYPES as readonly string[]).indexOf(t);
      return i < 0 ? KNOWN_TYPES.length : i;
    };
    return (entitlements.value?.channelTypes ?? [])
      .filter((c) => c.allowed)
      .map((c) => ({ ...c, available: c.remaining > 0 }))
      .sort((a, b) => rank(a.type) - rank(b.type));
  });
  const needingAttention = computed(() => items.value.filter((c) => c.needsAttention));

  function syncWorkspace(): void {
    const ws = useWorkspaceStore();
    ws.channels = items.value.map(({ id, type, name, status }) => ({ id, type, name, status }));
  }

  async function refreshEntitlements(): Promise<void> {
    entitlements.value = await channelsSettingsApi.entitlements();
  }

  async function load(): Promise<void> {
    loading.value = true;
    try {
      const [list, ent] = await Promise.all([channelsSettingsApi.list(), channelsSettingsApi.entitlements()]);
      items.value = list.data;
      entitlements.value = ent;
      loaded.value = true;
      syncWorkspace();
    } finally {
      loading.value = false;
    }
  }

  function put(c: ChannelDetail): void {
    const i = items.value.findIndex((x) => x.id === c.id);
    items.value = i < 0 ? [...items.value, c] : items.value.map((x) => (x.id === c.id ? c : x));
    syncWorkspace();
  }

  /** Creates a channel (the provider verifies the credentials first: on refusal nothing is created and the ApiError is thrown). */
  async function create(type: string, name: string, config: Record<string, unknown>): Promise<ChannelDetail> {
    const c = await channelsSettingsApi.create({ type, name, config });
    put(c);
    await refreshEntitlements().catch(() => undefined);
    return c;
  }

  async function rename(id: string, name: string): Promise<void> {
    put(await channelsSettingsApi.update(id, { name }));
  }

  async function setPaused(id: string, paused: boolean): Promise<void> {
    put(await channelsSettingsApi.update(id, { status: paused ? 'paused' : 'connected' }));
  }

  /** New credentials for a channel that stopped working. */
  async function reconnect(id: string, config: Record<string, unknown>): Promise<void> {
    put(await channelsSettingsApi.update(id, { config }));
  }

  async function remove(id: string): Promise<void> {
    await channelsSettingsApi.remove(id);
    items.value = items.value.filter((c) => c.id !== id);
    syncWorkspace();
    await refreshEntitlements().catch(() => undefined);
  }

  return { items, entitlements, loading, loaded, canManage, typeOptions, needingAttention, load, refreshEntitlements, create, rename, setPaused, reconnect, remove };
});
