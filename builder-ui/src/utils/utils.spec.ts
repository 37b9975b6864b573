import { describe, expect, it } from 'vitest';
import { layeredLayout } from './layout.js';
import { cleanConfig, emptyValue, validateValue, widgetFor } from './schema.js';
import type { FlowNode } from '../api/types.js';

const n = (id: string): FlowNode => ({ id, type: 'x', position: { x: 0, y: 0 }, config: {} });

describe('layered layout', () => {
  it('puts nodes in columns by their longest path and survives cycles', () => {
    const nodes = ['a', 'b', 'c', 'd'].map(n);
    const edges = [
      { id: '1', source: 'a', sourceHandle: 'out', target: 'b' },
      { id: '2', source: 'b', sourceHandle: 'out', target: 'c' },
      { id: '3', source: 'a', sourceHandle: 'out', target: 'c' },
      { id: '4', source: 'c', sourceHandle: 'out', target: 'b' }, // a loop back
      { id: '5', source: 'c', sourceHandle: 'out', target: 'd' },
    ];
    const p = layeredLayout(nodes, edges, { isRoot: (x) => x.id === 'a' });
    expect([p.a.x, p.b.x, p.c.x, p.d.x]).toEqual([0, 300, 600, 900]);
  });

  it('lays out 1,000 nodes quickly', () => {
    const nodes = Array.from({ length: 1000 }, (_, i) => n(`n${i}`));
    const edges = nodes.slice(1).map((x, i) => ({ id: `e${i}`, source: `n${Math.floor(i / 2)}`, sourceHandle: `o${i % 2}`, target: x.id }));
    const t0 = performance.now();
    const p = layeredLayout(nodes, edges);
    expect(Object.keys(p)).toHaveLength(1000);
    expect(performance.now() - t0).toBeLessThan(2000);
  });
});

describe('schema helpers', () => {
  it('picks widgets', () => {
    expect(widgetFor('x', { type: 'string', enum: ['a'] })).toBe('select');
    expect(widgetFor('code', { type: 'string' })).toBe('code');
    expect(widgetFor('tags', { type: 'array', items: { type: 'string' } })).toBe('tags');
    expect(widgetFor('headers', { type: 'object', additionalProperties: { type: 'string' } })).toBe('keyvalue');
    expect(widgetFor('json', {})).toBe('json');
  });

  it('validates and cleans', () => {
    expect(validateValue({ type: 'object', properties: { a: { type: 'string', minLength: 1 } }, required: ['a'] }, {}).map((e) => e.path)).toEqual(['a']);
    expect(validateValue({ type: 'number', exclusiveMinimum: 0 }, 0)[0].key).toBe('form.errors.exclusiveMinimum');
    expect(emptyValue({ type: 'object', properties: { id: { type: 'string' }, n: { type: 'integer', minimum: 1 } }, required: ['id', 'n'] })).toEqual({ id: '', n: 1 });
    expect(cleanConfig({ type: 'object', required: ['a'] }, { a: '', b: '', c: 1 })).toEqual({ a: '', c: 1 });
  });
});
