import { describe, expect, it } from 'vitest';
import { computeStats, type StepFact } from './stats.js';

const s = (runId: string, nodeId: string, startedAt: number, finishedAt: number, outcome: StepFact['outcome'], branch: string | null): StepFact => ({ runId, nodeId, startedAt, finishedAt, outcome, branch });

describe('computeStats', () => {
  it('counts entries, exits by branch, drop-offs, medians and the completion rate', () => {
    const steps = [
      s('r1', 't', 0, 1, 'ok', 'out'), s('r1', 'ask', 1, 2, 'waiting', null), s('r1', 'ask', 100, 101, 'ok', 'out'), s('r1', 'c', 101, 102, 'ok', 'true'), s('r1', 'yes', 102, 103, 'ok', 'out'),
      s('r2', 't', 0, 1, 'ok', 'out'), s('r2', 'ask', 1, 2, 'waiting', null),
      s('r3', 't', 0, 1, 'ok', 'out'), s('r3', 'ask', 1, 2, 'waiting', null), s('r3', 'ask', 300, 301, 'ok', 'out'), s('r3', 'c', 301, 302, 'error', null),
    ];
    const stats = computeStats(
      [{ id: 'r1', status: 'completed', currentNodeId: 'yes' }, { id: 'r2', status: 'waiting', currentNodeId: 'ask' }, { id: 'r3', status: 'failed', currentNodeId: 'c' }],
      steps,
    );
    expect(stats).toMatchObject({ runs: 3, byStatus: { completed: 1, waiting: 1, failed: 1 }, completionRate: 1 / 3 });
    const byId = Object.fromEntries(stats.nodes.map((n) => [n.nodeId, n]));
    expect(byId.ask).toEqual({ nodeId: 'ask', entries: 3, exits: { out: 2 }, dropOffs: 1, medianMs: 200 });
    expect(byId.c).toMatchObject({ entries: 2, exits: { true: 1, error: 1 }, dropOffs: 1 });
    expect(byId.t).toMatchObject({ entries: 3, exits: { out: 3 }, dropOffs: 0, medianMs: 1 });
  });
});
