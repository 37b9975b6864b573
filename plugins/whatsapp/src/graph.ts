/**
 * The WhatsApp plugin's Graph API client: the SDK's Graph client (host `fetch`, Bearer auth,
 * JSON bodies, network errors as `TEMPORARY`) with a 15 s timeout and WhatsApp's error mapping
 * (errors.ts, LIMITS.md of the fixtures).
 */
import { createGraphClient, type GraphCall } from '@parley/sdk';
import { GRAPH_TIMEOUT_MS } from './config.js';
import { mapGraphError } from './errors.js';

export type { GraphCall };

/** `graphFetch(runtime, call)`, `readBody(response, what)`, `graphJson(runtime, call)`: see `GraphClient` in @parley/sdk. */
export const { graphFetch, readBody, graphJson } = createGraphClient({ timeoutMs: GRAPH_TIMEOUT_MS, mapError: (status, body) => mapGraphError(status, body) });
