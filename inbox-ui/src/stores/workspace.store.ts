import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { channelsApi, funnelsApi, tagsApi, usersApi } from '../api/workspace.js';
import type { Channel, Funnel, Tag, User } from '../api/types.js';

/** Tenant-wide reference data: funnels and stages, channels, users (for assignment). */
export const useWorkspaceStore = defineStore('workspace', () => {
  const funnels = ref<Funnel[]>([]);
  const channels = ref<Channel[]>([]);
  const users = ref<User[]>([]);
  const loaded = ref(false);

  const stages = computed(() => funnels.value.flatMap((f) => f.stages));
  const firstStageId = computed(() => funnels.value[0]?.stages[0]?.id);
  const channelById = computed(() => Object.fromEntries(channels.value.map((c) => [c.id, c])));
  const userById = computed(() => Object.fromEntries(users.value.map((u) => [u.id, u])));

  async function load(): Promise<void> {
    const [f, c, u] = await Promise.all([funnelsApi.list(), channelsApi.list(), usersApi.list()]);
    funnels.value = f.data;
    channels.value = c.data;
    users.value = u.data;
    loaded.value = true;
  }

  return { funnels, channels, users, loaded, stages, firstStageId, channelById, userById, load };
});

const FALLBACK = '#64748b';

/** Tags with colours; chats carry tag names, this maps them to colours. */
export const useTagsStore = defineStore('tags', () => {
  const tags = ref<Tag[]>([]);
  const byName = computed(() => Object.fromEntries(tags.value.map((t) => [t.name, t])));
  const colorOf = (name: string) => byName.value[name]?.color ?? FALLBACK;

  async function load(): Promise<void> {
    tags.value = (await tagsApi.list()).data;
  }

  async function create(name: string, color?: string): Promise<Tag> {
    const tag = await tagsApi.create(name, color);
    upsertTag(tag);
    return tag;
  }

  async function recolor(id: string, color: string): Promise<void> {
    upsertTag(await tagsApi.patch(id, { color }));
  }

  /** A tag created, renamed or recoloured (by this agent or, through realtime `tag_updated`, another). */
  function upsertTag(tag: Tag): void {
    tags.value = [...tags.value.filter((t) => t.id !== tag.id), tag].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Learns names seen on chats (created on the fly by PATCH) without a reload. */
  function noteNames(names: string[]): void {
    const missing = names.filter((n) => !byName.value[n]);
    if (missing.length) void load();
  }

  return { tags, byName, colorOf, load, create, recolor, noteNames, upsertTag };
});
