import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import { flowsApi } from '../api/flows.js';
import type { Flow, FlowExport } from '../api/types.js';

const DAY = 86_400_000;

/** The tenant's flows (the list page) and their 7-day run counts. */
export const useFlowsStore = defineStore('flows', () => {
  const flows = shallowRef<Flow[]>([]);
  const runs7d = ref<Record<string, number>>({});
  const loaded = ref(false);

  async function load(): Promise<void> {
    const all: Flow[] = [];
    let cursor: string | null = null;
    do {
      const page = await flowsApi.list(cursor);
      all.push(...page.data);
      cursor = page.nextCursor;
    } while (cursor);
    flows.value = all;
    loaded.value = true;
    void loadRuns();
  }

  /** Runs of the last 7 days per flow (one stats call each, in parallel; best effort). */
  async function loadRuns(): Promise<void> {
    const from = new Date(Date.now() - 7 * DAY).toISOString();
    await Promise.all(
      flows.value.map(async (f) => {
        try {
          const s = await flowsApi.stats(f.id, { from });
          runs7d.value = { ...runs7d.value, [f.id]: s.runs };
        } catch {
          /* leave the cell empty */
        }
      }),
    );
  }

  function put(f: Flow): void {
    const i = flows.value.findIndex((x) => x.id === f.id);
    flows.value = i < 0 ? [f, ...flows.value] : flows.value.map((x) => (x.id === f.id ? f : x));
  }

  async function create(name: string): Promise<Flow> {
    const f = await flowsApi.create(name);
    put(f);
    return f;
  }

  async function rename(id: string, name: string): Promise<void> {
    put(await flowsApi.patch(id, { name }));
  }

  async function setEnabled(id: string, enabled: boolean): Promise<void> {
    put(await flowsApi.patch(id, { enabled }));
  }

  async function duplicate(id: string, name: string): Promise<Flow> {
    const data = await flowsApi.export(id);
    const f = await flowsApi.import({ ...data, name });
    put(f);
    return f;
  }

  async function remove(id: string): Promise<void> {
    await flowsApi.delete(id);
    flows.value = flows.value.filter((f) => f.id !== id);
  }

  /** Imports a `parley.flow` export (text of a JSON file). @throws on anything else. */
  async function importText(text: string): Promise<Flow> {
    const data = JSON.parse(text) as FlowExport;
    if (data?.format !== 'parley.flow') throw new Error('not a Parley flow export');
    const f = await flowsApi.import(data);
    put(f);
    return f;
  }

  async function exportFile(id: string): Promise<{ filename: string; json: string }> {
    const data = await flowsApi.export(id);
    const slug = data.name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'flow';
    return { filename: `${slug}.flow.json`, json: JSON.stringify(data, null, 2) };
  }

  return { flows, runs7d, loaded, load, loadRuns, create, rename, setEnabled, duplicate, remove, importText, exportFile };
});
