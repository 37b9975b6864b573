/**
 * Prometheus metrics (prom-client). The counters and histograms live in one process-wide
 * registry so that any code can record an event with one call (`metrics.outboundSends.inc(...)`);
 * gauges that read an app's state (outbox backlog, sandbox workers) are registered per app by
 * {@link MetricsService} and merged in at scrape time. Served at `GET /metrics` when
 * `METRICS_TOKEN` is set (see docs/operations.md#metrics).
 *
 * Label values are bounded: route templates (never raw URLs), installed channel types, fixed
 * outcome names.
 */
import type { NextFunction, Request, Response } from 'express';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import { AppError } from '../http/app-error.js';

/** The process-wide registry (default process metrics + Parley's event metrics). */
export const sharedRegistry = new Registry();
collectDefaultMetrics({ register: sharedRegistry });

/** Parley's event metrics; see docs/operations.md#metrics for each one. */
export const metrics = {
  /** HTTP request duration, seconds, by method, route template and status code. */
  httpDuration: new Histogram({
    name: 'parley_http_request_duration_seconds',
    help: 'HTTP request duration in seconds, by method, route template and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [sharedRegistry],
  }),
  /** Provider webhook requests (POST) by channel type and outcome: accepted, refused (bad signature or body), error (5xx). */
  webhooks: new Counter({
    name: 'parley_webhooks_total',
    help: 'Provider webhook requests by channel type and outcome (accepted, refused, error)',
    labelNames: ['channel_type', 'outcome'] as const,
    registers: [sharedRegistry],
  }),
  /** Inbound messages dropped as duplicates (provider retries), by channel type (`mixed` for a batch of several types). */
  inboundDuplicates: new Counter({
    name: 'parley_inbound_duplicate_messages_total',
    help: 'Inbound messages dropped because they were already stored (provider retries), by channel type',
    labelNames: ['channel_type'] as const,
    registers: [sharedRegistry],
  }),
  /** Webhook requests stored per inbound group commit (one transaction). */
  inboundBatchSize: new Histogram({
    name: 'parley_inbound_batch_requests',
    help: 'Webhook requests stored per inbound group commit',
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
    registers: [sharedRegistry],
  }),
  /** Duration of one inbound group commit (the transaction and its outbox rows), seconds. */
  inboundCommitSeconds: new Histogram({
    name: 'parley_inbound_commit_seconds',
    help: 'Duration of one inbound group commit in seconds',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [sharedRegistry],
  }),
  /** Outbound send attempts by channel type and outcome: sent, retry (retryable error, queued again), failed. */
  outboundSends: new Counter({
    name: 'parley_outbound_sends_total',
    help: 'Outbound send attempts by channel type and outcome (sent, retry, failed)',
    labelNames: ['channel_type', 'outcome'] as const,
    registers: [sharedRegistry],
  }),
};

/** Error codes counted as `refused`: the request is not a valid webhook of an installed type. */
const WEBHOOK_REFUSED = new Set(['WEBHOOK_SIGNATURE_INVALID', 'WEBHOOK_PAYLOAD_INVALID', 'CHANNEL_TYPE_UNKNOWN']);

/**
 * Awaits a webhook's handling and counts it under `channelType`: accepted when it resolves
 * (200, also for unknown accounts, which are acknowledged and ignored), refused for a bad
 * signature or body or an unknown type, error otherwise (5xx: the provider retries). Rethrows.
 * An unknown type is counted as `unknown` (the URL is caller-chosen).
 */
export async function countWebhook<T>(channelType: string, handling: Promise<T>): Promise<T> {
  try {
    const out = await handling;
    metrics.webhooks.inc({ channel_type: channelType, outcome: 'accepted' });
    return out;
  } catch (err) {
    const code = err instanceof AppError ? err.code : null;
    metrics.webhooks.inc({ channel_type: code === 'CHANNEL_TYPE_UNKNOWN' ? 'unknown' : channelType, outcome: code && WEBHOOK_REFUSED.has(code) ? 'refused' : 'error' });
    throw err;
  }
}

/** Counts the duplicates of one inbound commit: messages received minus messages newly stored. */
export function countInboundDuplicates(jobs: { channel: { type: string }; messages: unknown[] }[], stored: number): void {
  const received = jobs.reduce((n, j) => n + j.messages.length, 0);
  if (received <= stored) return;
  const types = new Set(jobs.filter((j) => j.messages.length).map((j) => j.channel.type));
  metrics.inboundDuplicates.inc({ channel_type: types.size === 1 ? [...types][0] : 'mixed' }, received - stored);
}

/** Express middleware: observes each request's duration under its route template (`<unmatched>` when no route matched). */
export function httpMetricsMiddleware(req: Request, res: Response, next: NextFunction): void {
  const stop = metrics.httpDuration.startTimer();
  res.once('finish', () => {
    const route = req.route?.path ? `${req.baseUrl ?? ''}${String(req.route.path)}` : '<unmatched>';
    stop({ method: req.method, route, status_code: String(res.statusCode) });
  });
  next();
}
