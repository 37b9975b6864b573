import { defineStore } from 'pinia';
import { ref } from 'vue';
import { cannedApi } from '../api/workspace.js';
import type { CannedResponse } from '../api/types.js';

/** Canned responses for the composer's `/` menu. */
export const useCannedStore = defineStore('canned', () => {
  const items = ref<CannedResponse[]>([]);
  const loaded = ref(false);

  async function load(): Promise<void> {
    items.value = (await cannedApi.list()).data;
    loaded.value = true;
  }

  /** Responses matching what follows `/`: shortcut prefix first, then title/text matches. */
  function search(query: string): CannedResponse[] {
    const q = query.toLowerCase();
    const prefix = items.value.filter((c) => c.shortcut.toLowerCase().startsWith(q));
    const other = items.value.filter((c) => !prefix.includes(c) && `${c.title ?? ''} ${c.text}`.toLowerCase().includes(q));
    return [...prefix, ...other].slice(0, 8);
  }

  /** The text with placeholders filled for the chat; counts a use. */
  async function render(id: string, chatId: string): Promise<string> {
    const r = await cannedApi.render(id, chatId);
    const item = items.value.find((c) => c.id === id);
    if (item) item.usageCount = r.usageCount;
    return r.text;
  }

  async function create(input: { shortcut: string; title?: string | null; text: string }): Promise<void> {
    const c = await cannedApi.create(input);
    items.value = [...items.value, c];
  }

  async function remove(id: string): Promise<void> {
    await cannedApi.remove(id);
    items.value = items.value.filter((c) => c.id !== id);
  }

  return { items, loaded, load, search, render, create, remove };
});
