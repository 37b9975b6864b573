/**
 * The Google Sheets API v4 calls the nodes need, over an injected HTTP function (in Parley: the
 * node context's `ctx.http`, limited to sheets.googleapis.com; in tests: a local fake server).
 * - append: `POST {base}/v4/spreadsheets/{id}/values/{range}:append?valueInputOption=USER_ENTERED&insertDataOption=INSERT_ROWS`
 *   with `{"values": [[...]]}`;
 * - read: `GET {base}/v4/spreadsheets/{id}/values/{range}`.
 * Both with `Authorization: Bearer <access token>`.
 */
import type { NodeHttpRequest, NodeHttpResponse } from '@parley/sdk';

export const SHEETS_API_URL = 'https://sheets.googleapis.com';

export type HttpFn = (req: NodeHttpRequest) => Promise<NodeHttpResponse>;

/** A failed Sheets call: `code` is `SHEETS_AUTH` (401/403), `SHEETS_NOT_FOUND` (404) or `SHEETS_ERROR`. */
export class SheetsError extends Error {
  constructor(
    readonly code: 'SHEETS_AUTH' | 'SHEETS_NOT_FOUND' | 'SHEETS_ERROR',
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'SheetsError';
  }
}

export interface SheetsClient {
  appendRow(spreadsheetId: string, range: string, row: (string | number | boolean | null)[]): Promise<{ updatedRange: string | null; updatedRows: number }>;
  readRange(spreadsheetId: string, range: string): Promise<string[][]>;
}

const enc = encodeURIComponent;

function check(res: NodeHttpResponse): void {
  if (res.status >= 200 && res.status < 300) return;
  const message = (res.body as { error?: { message?: string } })?.error?.message ?? `HTTP ${res.status}`;
  const code = res.status === 401 || res.status === 403 ? 'SHEETS_AUTH' : res.status === 404 ? 'SHEETS_NOT_FOUND' : 'SHEETS_ERROR';
  throw new SheetsError(code, `Google Sheets: ${message}`, res.status);
}

/** A client for one access token. */
export function sheetsClient(http: HttpFn, accessToken: string, baseUrl = SHEETS_API_URL): SheetsClient {
  const base = baseUrl.replace(/\/$/, '');
  const headers = { authorization: `Bearer ${accessToken}`, accept: 'application/json' };
  return {
    async appendRow(spreadsheetId, range, row) {
      const res = await http({
        method: 'POST',
        url: `${base}/v4/spreadsheets/${enc(spreadsheetId)}/values/${enc(range)}:append?valueInputOption=USER_ENTERED&insertDataOption=INSERT_ROWS`,
        headers,
        body: { values: [row] },
      });
      check(res);
      const updates = (res.body as { updates?: { updatedRange?: string; updatedRows?: number } })?.updates ?? {};
      return { updatedRange: updates.updatedRange ?? null, updatedRows: updates.updatedRows ?? 0 };
    },
    async readRange(spreadsheetId, range) {
      const res = await http({ method: 'GET', url: `${base}/v4/spreadsheets/${enc(spreadsheetId)}/values/${enc(range)}`, headers });
      check(res);
      const values = (res.body as { values?: unknown[][] })?.values ?? [];
      return values.map((r) => r.map((c) => (c === null || c === undefined ? '' : String(c))));
    },
  };
}

/**
 * The first row whose `column` (a header name when `headerRow`, else a 0-based index or a
 * letter A–Z) equals `value` (trimmed, case-insensitive); with a header row the match comes
 * back as `{header: cell}`, else as the array of cells.
 */
export function findRow(rows: string[][], column: string, value: string, headerRow: boolean): Record<string, string> | string[] | null {
  const header = headerRow ? (rows[0] ?? []) : null;
  let idx: number;
  if (header) idx = header.findIndex((h) => h.trim().toLowerCase() === column.trim().toLowerCase());
  else if (/^\d+$/.test(column)) idx = Number(column);
  else if (/^[A-Za-z]$/.test(column)) idx = column.toUpperCase().charCodeAt(0) - 65;
  else idx = -1;
  if (idx < 0) return null;
  const want = value.trim().toLowerCase();
  const row = rows.slice(header ? 1 : 0).find((r) => (r[idx] ?? '').trim().toLowerCase() === want);
  if (!row) return null;
  return header ? Object.fromEntries(header.map((h, i) => [h, row[i] ?? ''])) : row;
}
