import type { ChatFilters, ChatStatus } from '../api/types.js';

const STATUSES = new Set(['open', 'pending', 'resolved']);
const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : undefined);

/** Filters from the URL query (the list view keeps its filters in the URL). */
export function filtersFromQuery(q: Record<string, unknown>): ChatFilters {
  const f: ChatFilters = {};
  const status = str(q.status);
  if (status && STATUSES.has(status)) f.status = status as ChatStatus;
  for (const k of ['assigneeId', 'tag', 'channelId', 'stageId', 'q'] as const) {
    const v = str(q[k]);
    if (v) f[k] = v;
  }
  for (const k of ['from', 'to'] as const) {
    const v = str(q[k]);
    if (v && /^\d{4}-\d{2}-\d{2}$/.test(v)) f[k] = v;
  }
  if (q.unread === '1' || q.unread === 'true') f.unread = true;
  return f;
}

export function queryFromFilters(f: ChatFilters): Record<string, string> {
  const q: Record<string, string> = {};
  for (const [k, v] of Object.entries(f)) {
    if (v === undefined || v === '' || v === false) continue;
    q[k] = k === 'unread' ? '1' : String(v);
  }
  return q;
}
