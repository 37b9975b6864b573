/** `sheets.append_row` and `sheets.lookup` flow nodes (config strings are `{{...}}` templates). */
import { defineNode, type NodeContext, type NodeResult } from '@parley/sdk';
import { findRow, SHEETS_API_URL, sheetsClient, type HttpFn } from './client.js';

interface Common {
  /** OAuth access token with the spreadsheets scope (a template, e.g. `{{vars.googleToken}}`). */
  accessToken: string;
  spreadsheetId: string;
  /** A1 range, e.g. `Leads!A:D`. */
  range: string;
}

const common = {
  accessToken: { type: 'string', minLength: 1, maxLength: 4000 },
  spreadsheetId: { type: 'string', minLength: 1, maxLength: 200 },
  range: { type: 'string', minLength: 1, maxLength: 200 },
};

const failed = (e: unknown): NodeResult => {
  const err = e as { code?: string; message?: string };
  return { output: 'error', vars: { lastError: { code: err.code ?? 'SHEETS_ERROR', message: String(err.message ?? e) } } };
};

/**
 * Builds the nodes over `http` (default: the node context's host HTTP) and the API base URL
 * (default: the `SHEETS_API_URL` setting when the host grants it, else Google's).
 */
export function sheetsNodes(opts: { http?: HttpFn; baseUrl?: string } = {}) {
  const client = (ctx: NodeContext<Common>) =>
    sheetsClient(opts.http ?? ((r) => ctx.http(r)), ctx.render(ctx.config.accessToken).trim(), opts.baseUrl ?? ctx.setting?.('SHEETS_API_URL') ?? SHEETS_API_URL);

  const appendRow = defineNode<Common & { values: string[] }>({
    type: 'sheets.append_row',
    version: 1,
    label: 'Google Sheets: append row',
    category: 'integration',
    description: 'Appends one row (`values`, templates) after the table in `range`; `vars.sheetsUpdatedRange` gets the written range. Failures take `error` (SHEETS_AUTH, SHEETS_NOT_FOUND, SHEETS_ERROR, HTTP_*).',
    configSchema: {
      type: 'object',
      properties: { ...common, values: { type: 'array', items: { type: 'string', maxLength: 5000 }, minItems: 1, maxItems: 100 } },
      required: ['accessToken', 'spreadsheetId', 'range', 'values'],
      additionalProperties: false,
    },
    defaults: { range: 'Sheet1!A:C', values: ['{{contact.name}}', '{{contact.phone}}', '{{vars.answer}}'] },
    outputs: ['out', 'error'],
    execute: async (ctx) => {
      try {
        const c = ctx.config;
        const res = await client(ctx).appendRow(ctx.render(c.spreadsheetId), ctx.render(c.range), c.values.map((v) => ctx.render(v)));
        return { output: 'out', vars: { sheetsUpdatedRange: res.updatedRange } };
      } catch (e) {
        return failed(e);
      }
    },
  });

  const lookup = defineNode<Common & { column: string; value: string; variable: string; headerRow?: boolean }>({
    type: 'sheets.lookup',
    version: 1,
    label: 'Google Sheets: look up row',
    category: 'integration',
    description:
      'Reads `range` and finds the first row whose `column` (a header name, or with `headerRow: false` a letter or 0-based index) equals `value` (a template, case-insensitive). The row goes to `vars[variable]` (`{header: cell}`) and `found` is followed, else `not_found`.',
    configSchema: {
      type: 'object',
      properties: {
        ...common,
        column: { type: 'string', minLength: 1, maxLength: 200 },
        value: { type: 'string', maxLength: 1000 },
        variable: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}$' },
        headerRow: { type: 'boolean' },
      },
      required: ['accessToken', 'spreadsheetId', 'range', 'column', 'value', 'variable'],
      additionalProperties: false,
    },
    defaults: { range: 'Sheet1!A:Z', column: 'phone', value: '{{contact.phone}}', variable: 'row', headerRow: true },
    outputs: ['found', 'not_found', 'error'],
    execute: async (ctx) => {
      try {
        const c = ctx.config;
        const rows = await client(ctx).readRange(ctx.render(c.spreadsheetId), ctx.render(c.range));
        const row = findRow(rows, c.column, ctx.render(c.value), c.headerRow ?? true);
        return row ? { output: 'found', vars: { [c.variable]: row } } : { output: 'not_found', vars: { [c.variable]: null } };
      } catch (e) {
        return failed(e);
      }
    },
  });

  return { appendRow, lookup };
}
