/**
 * Drop-off analytics over the node execution log (`GET /flows/:id/stats`): per node, how many
 * visits entered it, exits by branch, runs that stopped there (waiting for an answer that never
 * came, failed, or handed off), and the median time spent in it; per flow, the completion rate.
 */
export interface StepFact {
  runId: string;
  nodeId: string;
  startedAt: number;
  finishedAt: number;
  outcome: 'ok' | 'waiting' | 'error';
  branch: string | null;
}

export interface RunFact {
  id: string;
  status: string;
  currentNodeId: string | null;
}

export interface NodeStats {
  nodeId: string;
  entries: number;
  exits: Record<string, number>;
  /** Runs whose last node is this one and that did not complete (waiting, failed, handed off). */
  dropOffs: number;
  medianMs: number | null;
}

export interface FlowStats {
  runs: number;
  byStatus: Record<string, number>;
  /** completed / runs (0 when there are no runs). */
  completionRate: number;
  nodes: NodeStats[];
}

const median = (xs: number[]) => {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : Math.round((s[mid - 1] + s[mid]) / 2);
};

/** `steps` ordered by run, then execution order. */
export function computeStats(runs: RunFact[], steps: StepFact[]): FlowStats {
  const nodes = new Map<string, { entries: number; exits: Record<string, number>; times: number[]; dropOffs: number }>();
  const node = (id: string) => {
    let n = nodes.get(id);
    if (!n) nodes.set(id, (n = { entries: 0, exits: {}, times: [], dropOffs: 0 }));
    return n;
  };
  let prev: StepFact | null = null;
  let enteredAt = 0;
  for (const s of steps) {
    const resumed = prev !== null && prev.runId === s.runId && prev.nodeId === s.nodeId && prev.outcome === 'waiting';
    const n = node(s.nodeId);
    if (!resumed) {
      n.entries++;
      enteredAt = s.startedAt;
    }
    if (s.outcome !== 'waiting') {
      const key = s.branch ?? (s.outcome === 'error' ? 'error' : 'end');
      n.exits[key] = (n.exits[key] ?? 0) + 1;
      n.times.push(Math.max(0, s.finishedAt - enteredAt));
    }
    prev = s;
  }
  const byStatus: Record<string, number> = {};
  for (const r of runs) {
    byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
    if (r.status !== 'completed' && r.currentNodeId) node(r.currentNodeId).dropOffs++;
  }
  return {
    runs: runs.length,
    byStatus,
    completionRate: runs.length ? (byStatus.completed ?? 0) / runs.length : 0,
    nodes: [...nodes].map(([nodeId, n]) => ({ nodeId, entries: n.entries, exits: n.exits, dropOffs: n.dropOffs, medianMs: median(n.times) })),
  };
}
