/** Public JSON shapes of the Parley API the builder uses (docs/flows.md, docs/api.md). */

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

// the session shapes are shared with the inbox
export type { Session, Tenant, User } from '@parley/ui-kit';

/** A JSON Schema as node types describe their config (the subset the form generator reads). */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  description?: string;
  title?: string;
  default?: unknown;
}

export type NodeCategory = 'trigger' | 'message' | 'input' | 'logic' | 'data' | 'contact' | 'chat' | 'integration' | 'code' | 'time' | 'flow' | string;

export interface NodeType {
  type: string;
  version: number;
  label: string;
  category: NodeCategory;
  description: string;
  configSchema: JsonSchema;
  outputs: string[];
  requiredOutputs?: string[];
  defaults?: Record<string, unknown>;
  trigger?: boolean;
  waits?: boolean;
}

export interface FlowNode {
  id: string;
  type: string;
  position: { x: number; y: number };
  config: Record<string, unknown>;
}

export interface FlowEdge {
  id: string;
  source: string;
  sourceHandle: string;
  target: string;
}

export interface FlowGraph {
  nodes: FlowNode[];
  edges: FlowEdge[];
}

export interface Flow {
  id: string;
  name: string;
  enabled: boolean;
  draft: FlowGraph;
  /** Counts the saves of the draft; sent back when saving to detect edit conflicts (409 DRAFT_CONFLICT). */
  draftRevision?: number;
  publishedVersion: number | null;
  latestVersion: number;
  publishedAt?: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface FlowVersion {
  id: string;
  version: number;
  note: string | null;
  createdBy: string | null;
  createdAt: string;
  active: boolean;
  graph?: FlowGraph;
}

export interface ValidationError {
  nodeId: string | null;
  code: string;
  message: string;
}

export interface FlowExport {
  format: 'parley.flow';
  formatVersion: 1;
  name: string;
  draft: FlowGraph;
}

export interface TranscriptLine {
  from: 'bot' | 'contact';
  type: string;
  text: string;
}

export type SimulationStatus = 'waiting' | 'completed' | 'failed' | 'handed_off' | 'not_triggered';

export interface Simulation {
  runId: string | null;
  status: SimulationStatus;
  transcript: TranscriptLine[];
  vars: Record<string, unknown>;
  nodeId?: string | null;
  error?: { code: string; message: string; nodeId?: string };
}

export interface NodeStats {
  nodeId: string;
  entries: number;
  exits: Record<string, number>;
  dropOffs: number;
  medianMs: number | null;
}

export interface FlowStats {
  runs: number;
  byStatus: Record<string, number>;
  completionRate: number;
  nodes: NodeStats[];
}
