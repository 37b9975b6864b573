/**
 * The public flow format (issue 4): a graph of nodes `{id, type, position, config}` and edges
 * `{id, source, sourceHandle, target}`. Drafts are edited freely (an invalid draft may be
 * saved); published versions are immutable copies of a valid draft.
 */
import { z } from 'zod';

export const nodeSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9_.:-]{1,100}$/, 'node ids are 1-100 letters, digits, _ . : -'),
  type: z.string().min(1).max(100),
  position: z.object({ x: z.number(), y: z.number() }).default({ x: 0, y: 0 }),
  config: z.record(z.string(), z.unknown()).default({}),
});

export const edgeSchema = z.object({
  id: z.string().min(1).max(100),
  source: z.string().min(1).max(100),
  sourceHandle: z.string().min(1).max(100).default('out'),
  target: z.string().min(1).max(100),
});

/**
 * A graph as the API takes it. The hard caps here only bound request parsing; the configured
 * limit (`FLOW_MAX_NODES`, default 1,000 nodes and 4 edges per node) is checked by the flows
 * service (422 FLOW_TOO_LARGE).
 */
export const graphSchema = z.object({
  nodes: z.array(nodeSchema).max(10_000),
  edges: z.array(edgeSchema).max(40_000),
});

export type FlowNode = z.infer<typeof nodeSchema>;
export type FlowEdge = z.infer<typeof edgeSchema>;
export type FlowGraph = z.infer<typeof graphSchema>;

/** One validation problem; `nodeId` is null for flow-level problems (e.g. no trigger). */
export interface FlowValidationError {
  nodeId: string | null;
  code:
    | 'UNKNOWN_NODE_TYPE'
    | 'INVALID_CONFIG'
    | 'MISSING_BRANCH'
    | 'UNREACHABLE_NODE'
    | 'NO_TRIGGER'
    | 'CYCLE_WITHOUT_WAIT'
    | 'DUPLICATE_NODE_ID'
    | 'INVALID_EDGE';
  message: string;
}

/** Public JSON of a flow. */
export interface FlowJson {
  id: string;
  name: string;
  enabled: boolean;
  draft: FlowGraph;
  /** Counts the saves of the draft; send it back with `PUT /flows/:id/draft` to detect edit conflicts. */
  draftRevision: number;
  /** Number of the version that runs (null until published). */
  publishedVersion: number | null;
  /** Highest version number published so far (0 when never). */
  latestVersion: number;
  createdAt: string;
  updatedAt: string;
}

/** Public JSON of a published version (`graph` only on the single-version endpoint). */
export interface FlowVersionJson {
  id: string;
  version: number;
  note: string | null;
  createdBy: string | null;
  createdAt: string;
  active: boolean;
  graph?: FlowGraph;
}

/** The export/import format. */
export interface FlowExport {
  format: 'parley.flow';
  formatVersion: 1;
  name: string;
  draft: FlowGraph;
}

/** One line of a simulation transcript. */
export interface TranscriptLine {
  from: 'bot' | 'contact';
  /** `text`, or the bot's `image`, `video`, `audio`, `document`, `template`, `interactive` (described in `text`). */
  type: string;
  text: string;
}

/** Answer of `POST /flows/:id/simulate`. */
export interface SimulationJson {
  runId: string | null;
  status: 'waiting' | 'completed' | 'failed' | 'handed_off' | 'not_triggered';
  transcript: TranscriptLine[];
  vars: Record<string, unknown>;
  error?: { code: string; message: string; nodeId?: string };
}
