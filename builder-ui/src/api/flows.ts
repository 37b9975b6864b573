/** The flows API (docs/flows.md): node types, flows, drafts, validation, versions, simulation, stats. */
import { http } from '@parley/ui-kit';
import type { Flow, FlowExport, FlowGraph, FlowStats, FlowVersion, NodeType, Page, Simulation, ValidationError } from './types.js';

const f = (id: string) => `/api/v1/flows/${encodeURIComponent(id)}`;

export const flowsApi = {
  nodeTypes: () => http.get<{ data: NodeType[] }>('/api/v1/flow-node-types'),
  list: (cursor?: string | null) => http.get<Page<Flow>>('/api/v1/flows', { limit: 200, cursor }),
  get: (id: string) => http.get<Flow>(f(id)),
  create: (name: string, draft: FlowGraph = { nodes: [], edges: [] }) => http.post<Flow>('/api/v1/flows', { name, draft }),
  patch: (id: string, patch: { name?: string; enabled?: boolean }) => http.patch<Flow>(f(id), patch),
  /** `revision`: the `draftRevision` the edit is based on (409 DRAFT_CONFLICT when the draft was saved elsewhere since). */
  saveDraft: (id: string, draft: FlowGraph, revision?: number) => http.put<Flow>(`${f(id)}/draft`, revision === undefined ? { draft } : { draft, revision }),
  validate: (draft: FlowGraph) => http.post<{ valid: boolean; errors: ValidationError[] }>('/api/v1/flows/validate', { draft }),
  publish: (id: string, note?: string) => http.post<FlowVersion>(`${f(id)}/publish`, note ? { note } : {}),
  versions: (id: string) => http.get<Page<FlowVersion>>(`${f(id)}/versions`),
  version: (id: string, version: number) => http.get<FlowVersion>(`${f(id)}/versions/${version}`),
  rollback: (id: string, version: number) => http.post<Flow>(`${f(id)}/rollback`, { version }),
  export: (id: string) => http.get<FlowExport>(`${f(id)}/export`),
  import: (data: FlowExport) => http.post<Flow>('/api/v1/flows/import', data),
  simulate: (id: string, body: { text: string; contact?: { name?: string; phone?: string; email?: string } } | { runId: string; text: string }) =>
    http.post<Simulation>(`${f(id)}/simulate`, body),
  stats: (id: string, range: { from?: string; to?: string } = {}) => http.get<FlowStats>(`${f(id)}/stats`, range),
  delete: (id: string) => http.delete(f(id)),
};
