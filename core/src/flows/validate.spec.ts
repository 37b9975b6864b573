import { describe, expect, it } from 'vitest';
import { NodeRegistry } from './node-registry.js';
import { validateGraph } from './validate.js';
import type { FlowGraph } from './flow.types.js';

const registry = new NodeRegistry();
const n = (id: string, type: string, config: Record<string, unknown> = {}) => ({ id, type, position: { x: 0, y: 0 }, config });
const e = (source: string, target: string, sourceHandle = 'out') => ({ id: `${source}-${sourceHandle}-${target}`, source, sourceHandle, target });
const codes = (g: FlowGraph) => validateGraph(g, registry).map((x) => `${x.nodeId}:${x.code}`).sort();

describe('validateGraph', () => {
  it('accepts a valid keyword → ask → condition flow', () => {
    const g: FlowGraph = {
      nodes: [
        n('t', 'trigger.keyword', { keywords: ['hi'] }),
        n('ask', 'ask.question', { question: 'Name?', capture: 'text', variable: 'name' }),
        n('c', 'logic.condition', { operator: 'and', groups: [{ operator: 'or', rules: [{ value: '{{vars.name}}', op: 'equals', compare: 'ana' }] }] }),
        n('yes', 'send.text', { text: 'Hi Ana' }),
        n('no', 'send.text', { text: 'Hi {{vars.name}}' }),
      ],
      edges: [e('t', 'ask'), e('ask', 'c'), e('c', 'yes', 'true'), e('c', 'no', 'false')],
    };
    expect(codes(g)).toEqual([]);
  });

  it('reports unknown types, bad configs, missing branches, unreachable nodes and bad edges', () => {
    const g: FlowGraph = {
      nodes: [
        n('t', 'trigger.keyword', { keywords: [] }),
        n('x', 'nope.node'),
        n('c', 'logic.condition', { operator: 'and', groups: [{ operator: 'and', rules: [{ value: 'a', op: 'equals', compare: 'a' }] }] }),
        n('lonely', 'send.text', { text: 'hi' }),
      ],
      edges: [e('t', 'c'), e('c', 'x', 'true'), e('c', 'ghost', 'false'), e('lonely', 't')],
    };
    expect(codes(g)).toEqual(['c:INVALID_EDGE', 'c:MISSING_BRANCH', 'lonely:UNREACHABLE_NODE', 't:INVALID_CONFIG', 't:INVALID_EDGE', 'x:UNKNOWN_NODE_TYPE']);
  });

  it('requires a trigger', () => {
    expect(codes({ nodes: [n('a', 'send.text', { text: 'x' })], edges: [] })).toEqual(['null:NO_TRIGGER']);
  });

  it('refuses loops without a wait, accepts loops through ask.question', () => {
    const base = [n('t', 'trigger.message'), n('a', 'send.text', { text: 'a' }), n('b', 'data.set_variable', { variable: 'x', value: '1' })];
    expect(codes({ nodes: base, edges: [e('t', 'a'), e('a', 'b'), e('b', 'a')] })).toEqual(['a:CYCLE_WITHOUT_WAIT']);
    const withAsk = [...base, n('q', 'ask.question', { question: 'again?', capture: 'text', variable: 'r' })];
    expect(codes({ nodes: withAsk, edges: [e('t', 'a'), e('a', 'b'), e('b', 'q'), e('q', 'a')] })).toEqual([]);
  });
});
