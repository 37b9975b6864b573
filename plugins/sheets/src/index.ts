/**
 * Google Sheets nodes for Parley flows (a sample of plugin nodes): `sheets.append_row` and
 * `sheets.lookup`. HTTP goes only through the host (`ctx.http`), which limits it to the
 * manifest's `http:sheets.googleapis.com` permission.
 */
import { definePlugin } from '@parley/sdk';
import { sheetsNodes } from './nodes.js';

export { findRow, sheetsClient, SheetsError, SHEETS_API_URL, type SheetsClient, type HttpFn } from './client.js';
export { sheetsNodes } from './nodes.js';

export default definePlugin({
  id: 'sheets',
  setup(host) {
    if (!host.registerNode) {
      host.logger.warn({}, 'this Parley host does not support flow nodes; sheets nodes not registered');
      return;
    }
    const { appendRow, lookup } = sheetsNodes();
    host.registerNode(appendRow);
    host.registerNode(lookup);
  },
});
