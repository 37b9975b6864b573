/**
 * The Messenger/Instagram plugin's Graph API client: the SDK's Graph client (host `fetch`,
 * Bearer auth with the page token, JSON bodies, network errors as `TEMPORARY`) with a 15 s
 * timeout, Messenger's error mapping (errors.ts) and lossless JSON (ids stay exact strings,
 * see json.ts).
 */
import { createGraphClient, type GraphCall } from '@parley/sdk';
import { GRAPH_TIMEOUT_MS } from './config.js';
import { mapGraphError } from './errors.js';
import { parseJsonLosslessly } from './json.js';

export type { GraphCall };

/** `graphFetch(runtime, call)`, `readBody(response, what)`, `graphJson(runtime, call)`: see `GraphClient` in @parley/sdk. */
export const { graphFetch, readBody, graphJson } = createGraphClient({ timeoutMs: GRAPH_TIMEOUT_MS, mapError: mapGraphError, parse: parseJsonLosslessly });
