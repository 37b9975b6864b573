import type { Flow, NodeType } from '../api/types.js';

/** Node types as the API describes them (a subset of the built-ins). */
export const NODE_TYPES: NodeType[] = [
  { type: 'trigger.keyword', version: 1, label: 'Keyword', category: 'trigger', description: 'Starts on a keyword', trigger: true, outputs: ['out'],
    configSchema: { type: 'object', properties: { keywords: { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1 } }, required: ['keywords'] }, defaults: { keywords: [] } },
  { type: 'ask.question', version: 1, label: 'Ask a question', category: 'input', description: 'Asks and waits', waits: true, outputs: ['out', 'invalid', 'timeout'],
    configSchema: { type: 'object', properties: { question: { type: 'string', minLength: 1, maxLength: 4096 }, capture: { type: 'string', enum: ['text', 'number', 'email', 'phone'] }, variable: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}$' }, retries: { type: 'integer', minimum: 0, maximum: 10 } }, required: ['question', 'capture', 'variable'] },
    defaults: { question: '', capture: 'text', variable: 'answer', retries: 2 } },
  { type: 'logic.condition', version: 1, label: 'Condition', category: 'logic', description: 'true / false', outputs: ['true', 'false'], requiredOutputs: ['true', 'false'],
    configSchema: { type: 'object', properties: { operator: { type: 'string', enum: ['and', 'or'] }, groups: { type: 'array', minItems: 1, items: { type: 'object', properties: { operator: { type: 'string', enum: ['and', 'or'] }, rules: { type: 'array', minItems: 1, items: { type: 'object', properties: { value: { type: 'string' }, op: { type: 'string', enum: ['equals', 'contains', 'is_empty'] }, compare: { type: 'string' } }, required: ['value', 'op'] } } }, required: ['operator', 'rules'] } } }, required: ['operator', 'groups'] },
    defaults: { operator: 'and', groups: [{ operator: 'and', rules: [{ value: '{{message.text}}', op: 'contains', compare: '' }] }] } },
  { type: 'send.text', version: 1, label: 'Send text', category: 'message', description: 'Sends a text', outputs: ['out'],
    configSchema: { type: 'object', properties: { text: { type: 'string', minLength: 1, maxLength: 4096 } }, required: ['text'] }, defaults: { text: '' } },
  { type: 'send.buttons', version: 1, label: 'Buttons / list', category: 'message', description: 'Buttons', outputs: ['out', 'invalid'],
    configSchema: { type: 'object', properties: { text: { type: 'string', minLength: 1 }, kind: { type: 'string', enum: ['buttons', 'list'] }, options: { type: 'array', minItems: 1, maxItems: 3, items: { type: 'object', properties: { id: { type: 'string', minLength: 1 }, title: { type: 'string', minLength: 1, maxLength: 24 } }, required: ['id', 'title'] } }, header: { type: 'string', maxLength: 60 } }, required: ['text', 'kind', 'options'] },
    defaults: { text: 'Choose one', kind: 'buttons', options: [{ id: 'yes', title: 'Yes' }] } },
  { type: 'http.request', version: 1, label: 'HTTP request', category: 'integration', description: 'Calls an API', outputs: ['out', 'error'],
    configSchema: { type: 'object', properties: { method: { type: 'string', enum: ['GET', 'POST'] }, url: { type: 'string', minLength: 1 }, headers: { type: 'object', additionalProperties: { type: 'string' } }, timeoutMs: { type: 'integer', minimum: 100, maximum: 30000 }, responseVariable: { type: 'string', pattern: '^[A-Za-z_]\\w*$' } }, required: ['method', 'url'] },
    defaults: { method: 'GET', url: 'https://', responseVariable: 'response' } },
  { type: 'code.javascript', version: 1, label: 'Code', category: 'code', description: 'JavaScript', outputs: ['out', 'error'],
    configSchema: { type: 'object', properties: { code: { type: 'string', minLength: 1, maxLength: 20000 }, resultVariable: { type: 'string' } }, required: ['code'] }, defaults: { code: 'return vars;' } },
  { type: 'acme.greet', version: 1, label: 'Greet', category: 'message', description: 'A plugin node', outputs: ['out'], configSchema: { type: 'object', properties: { greeting: { type: 'string' } } } },
];

export function flow(over: Partial<Flow> = {}): Flow {
  return {
    id: 'f1', name: 'Welcome', enabled: false, publishedVersion: null, latestVersion: 0, publishedAt: null, createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z',
    draft: { nodes: [], edges: [] },
    draftRevision: 0,
    ...over,
  };
}
