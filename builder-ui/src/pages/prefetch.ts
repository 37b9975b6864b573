/**
 * Opening a flow starts everything the editor needs at once, before the editor page's own chunk
 * has loaded: the flow (`GET /flows/:id`), the node types, and the canvas chunk. The editor takes
 * the flow from here (`takeFlow`) instead of fetching it again.
 */
import { flowsApi } from '../api/flows.js';
import type { Flow } from '../api/types.js';
import { loadIsland } from '../canvas/load.js';
import { useNodeTypesStore } from '../stores/nodeTypes.store.js';

let pending: { id: string; flow: Promise<Flow> } | null = null;

/** Called when the router enters `/flows/:id`. */
export function prefetchEditor(id: string): void {
  const flow = flowsApi.get(id);
  flow.catch(() => undefined); // the editor reports failures when it takes the flow
  pending = { id, flow };
  void useNodeTypesStore().load().catch(() => undefined);
  void loadIsland().catch(() => undefined);
}

/** The prefetched flow `id` (once), else a fresh `GET /flows/:id`. */
export function takeFlow(id: string): Promise<Flow> {
  if (pending?.id === id) {
    const { flow } = pending;
    pending = null;
    return flow;
  }
  return flowsApi.get(id);
}
