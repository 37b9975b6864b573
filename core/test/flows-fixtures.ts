/** Flow graphs shared by the flow tests. */
export const n = (id: string, type: string, config: Record<string, unknown> = {}) => ({ id, type, position: { x: 0, y: 0 }, config });
export const e = (source: string, target: string, sourceHandle = 'out') => ({ id: `${source}-${sourceHandle}-${target}`, source, sourceHandle, target });

/** keyword → ask name → condition (name is "Ana") → two different replies. */
export function greeterFlow(keyword = 'hello') {
  return {
    nodes: [
      n('trigger', 'trigger.keyword', { keywords: [keyword] }),
      n('ask', 'ask.question', { question: 'Hi {{contact.name}}! What is your name?', capture: 'text', variable: 'name' }),
      n('check', 'logic.condition', { operator: 'or', groups: [{ operator: 'and', rules: [{ value: '{{vars.name}}', op: 'equals', compare: 'Ana' }] }] }),
      n('vip', 'send.text', { text: 'Welcome back, {{vars.name}}! You are our VIP.' }),
      n('other', 'send.text', { text: 'Nice to meet you, {{vars.name}}.' }),
    ],
    edges: [e('trigger', 'ask'), e('ask', 'check'), e('check', 'vip', 'true'), e('check', 'other', 'false')],
  };
}
