/**
 * A local fake of the Google Sheets API v4 for tests: `POST /v4/spreadsheets/{id}/values/{range}:append`
 * (`valueInputOption=USER_ENTERED` required) and `GET /v4/spreadsheets/{id}/values/{range}`, with
 * a bearer token; Google's error shapes for 401 and 404. Spreadsheet `sheet-1` starts with a
 * header row and two rows.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export const FAKE_SHEETS_TOKEN = 'ya29.test-token';

export interface FakeSheets {
  /** `http://127.0.0.1:<port>` */
  base: string;
  sheets: Map<string, string[][]>;
  calls: { method: string; url: string; auth?: string; body?: any }[];
  close(): Promise<void>;
}

export async function startFakeSheets(): Promise<FakeSheets> {
  const sheets = new Map<string, string[][]>([['sheet-1', [['name', 'phone', 'plan'], ['Ana', '15550001', 'gold'], ['Bo', '15550002', 'free']]]]);
  const calls: FakeSheets['calls'] = [];
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const body = raw ? JSON.parse(raw) : undefined;
      calls.push({ method: req.method!, url: req.url!, auth: req.headers.authorization, body });
      const send = (status: number, json: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
      if (req.headers.authorization !== `Bearer ${FAKE_SHEETS_TOKEN}`) return send(401, { error: { code: 401, message: 'Request had invalid authentication credentials.', status: 'UNAUTHENTICATED' } });
      const m = /^\/v4\/spreadsheets\/([^/]+)\/values\/([^?:]+)(:append)?(\?.*)?$/.exec(req.url!);
      const rows = m && sheets.get(decodeURIComponent(m[1]));
      if (!m || !rows) return send(404, { error: { code: 404, message: 'Requested entity was not found.', status: 'NOT_FOUND' } });
      const range = decodeURIComponent(m[2]);
      if (m[3] && req.method === 'POST') {
        const q = new URLSearchParams(m[4]?.slice(1));
        if (q.get('valueInputOption') !== 'USER_ENTERED') return send(400, { error: { message: 'valueInputOption required' } });
        rows.push(...body.values);
        return send(200, { spreadsheetId: m[1], tableRange: `${range.split('!')[0]}!A1:C${rows.length - 1}`, updates: { updatedRange: `${range.split('!')[0]}!A${rows.length}:C${rows.length}`, updatedRows: 1, updatedColumns: 3, updatedCells: 3 } });
      }
      if (req.method === 'GET') return send(200, { range, majorDimension: 'ROWS', values: rows });
      send(405, { error: { message: 'method' } });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    sheets,
    calls,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
