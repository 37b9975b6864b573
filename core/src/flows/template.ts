/**
 * `{{...}}` placeholders: `{{contact.name}}`, `{{contact.attributes.plan}}`, `{{vars.x}}`,
 * `{{vars.order.id}}`, `{{message.text}}`. Paths only, never code: unknown paths render
 * empty, objects render as JSON.
 */
export interface TemplateScope {
  vars: Record<string, unknown>;
  contact: Record<string, unknown> | null;
  message: Record<string, unknown> | null;
}

const PLACEHOLDER = /\{\{\s*(vars|contact|message)((?:\.[A-Za-z0-9_$-]+)*)\s*\}\}/g;

/** Value at a placeholder path, or undefined. */
export function lookup(scope: TemplateScope, root: 'vars' | 'contact' | 'message', path: string[]): unknown {
  let cur: unknown = scope[root];
  for (const key of path) {
    if (cur === null || typeof cur !== 'object' || !Object.prototype.hasOwnProperty.call(cur, key)) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

/** Renders `template` with values of `scope`. */
export function render(template: string, scope: TemplateScope): string {
  return template.replace(PLACEHOLDER, (_m, root: 'vars' | 'contact' | 'message', rest: string) => {
    const v = lookup(scope, root, rest ? rest.slice(1).split('.') : []);
    if (v === undefined || v === null) return '';
    return typeof v === 'object' ? JSON.stringify(v) : String(v);
  });
}
