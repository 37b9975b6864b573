/** One-line description of a node's config for the canvas card (no framework code: testable). */
import type { FlowNode } from '../api/types.js';

const clip = (s: string, n = 90) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

export function summarize(node: FlowNode): string {
  const c = node.config ?? {};
  const str = (k: string) => (typeof c[k] === 'string' ? (c[k] as string) : '');
  if (Array.isArray(c.keywords)) return clip((c.keywords as string[]).map((k) => `“${k}”`).join(', '));
  if (node.type === 'logic.condition' && Array.isArray(c.groups)) {
    const rules = (c.groups as { rules?: { value?: string; op?: string; compare?: string }[] }[]).flatMap((g) => g.rules ?? []);
    return clip(rules.map((r) => `${r.value ?? ''} ${(r.op ?? '').replace(/_/g, ' ')} ${r.compare ?? ''}`.trim()).join(c.operator === 'or' ? ' or ' : ' and '));
  }
  if (node.type === 'logic.switch') return clip(`${str('value')} → ${(Array.isArray(c.cases) ? c.cases.length : 0)} cases`);
  if (node.type === 'time.delay') return `${c.amount ?? ''} ${c.unit ?? ''}`.trim();
  if (node.type === 'http.request') return clip(`${str('method')} ${str('url')}`);
  if (node.type === 'contact.tag' && Array.isArray(c.tags)) return clip(`${str('action')} ${(c.tags as string[]).join(', ')}`);
  if (node.type === 'data.set_variable') return clip(`${str('variable')} = ${str('expression') || str('value')}`);
  if (node.type === 'trigger.schedule') return clip(str('cron') || str('at'));
  if (node.type === 'logic.ab_split') return `A ${c.percentA ?? 50}% · B ${100 - Number(c.percentA ?? 50)}%`;
  for (const k of ['text', 'question', 'message', 'caption', 'url', 'name', 'code', 'value', 'field', 'strategy']) if (str(k)) return clip(str(k).replace(/\s+/g, ' '));
  return '';
}
