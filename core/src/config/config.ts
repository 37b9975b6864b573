/**
 * Configuration: environment variables validated with zod at start-up (DESIGN.md §3).
 * Secrets that are not given (ENCRYPTION_KEY, JWT_SECRET) are generated once into the
 * data directory so that `npm start` works on a fresh machine.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  PUBLIC_URL: z.string().url().default('http://localhost:3000'),
  DATABASE_URL: z
    .string()
    .default('sqlite:./data/parley.sqlite')
    .refine((v) => v.startsWith('sqlite:') || /^mysql:\/\//.test(v) || /^mariadb:\/\//.test(v), 'must be sqlite:<path> or mysql://...'),
  DATA_DIR: z.string().default('./data'),
  REDIS_URL: z.string().optional(),
  ENCRYPTION_KEY: z.string().optional(),
  JWT_SECRET: z.string().optional(),
  JWT_TTL_SECONDS: z.coerce.number().int().positive().default(7 * 24 * 3600),
  META_APP_SECRET: z.string().optional(),
  META_VERIFY_TOKEN: z.string().optional(),
  META_APP_ID: z.string().optional(),
  /** Login for Business configuration id of WhatsApp Embedded Signup (Meta app → Facebook Login for Business → Configurations). */
  META_WHATSAPP_CONFIG_ID: z.string().optional(),
  META_GRAPH_URL: z.string().url().default('https://graph.facebook.com/v24.0'),
  TELEGRAM_API_URL: z.string().url().default('https://api.telegram.org'),
  PARLEY_PLUGINS: z.string().default(''),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Typing simulation: ms per character of the outbound text. */
  TYPING_MS_PER_CHAR: z.coerce.number().min(0).default(13),
  /** Typing simulation: upper bound of the uniform random extra delay, ms. */
  TYPING_JITTER_MS: z.coerce.number().min(0).default(1000),
  /** Max upload/stored media size in bytes (WhatsApp documents go up to 100 MB). */
  MEDIA_MAX_BYTES: z.coerce.number().int().positive().default(100 * 1024 * 1024),
  /** Jobs (agenda): run the job processor in this process (0 = schedule only). */
  JOBS_PROCESSOR: z.enum(['0', '1']).default('1'),
  /** Jobs: how often the processor polls the jobs table, ms. */
  JOBS_PROCESS_EVERY_MS: z.coerce.number().int().min(50).default(2000),
  /** Jobs: a lock older than this is considered abandoned (crashed process), ms. */
  JOBS_LOCK_LIFETIME_MS: z.coerce.number().int().min(1000).default(10 * 60 * 1000),
  /**
   * Express `trust proxy`: `false` (default: the peer address is the client), `true` (trust every
   * hop: only if nothing but your proxy can reach Parley), a number of proxy hops in front of
   * Parley (e.g. `1` behind one nginx), or a comma-separated list of proxy addresses/subnets
   * (`10.0.0.0/8, 172.16.0.0/12`, also `loopback`, `linklocal`, `uniquelocal`).
   */
  TRUST_PROXY: z
    .string()
    .default('false')
    .refine((v) => parseTrustProxy(v) !== undefined, 'must be false, true, a number of hops, or comma-separated addresses/subnets (CIDR) or loopback/linklocal/uniquelocal'),
  /** Prometheus metrics: `GET /metrics` is served only when set, to `Authorization: Bearer <METRICS_TOKEN>`. */
  METRICS_TOKEN: z.string().min(16, 'use at least 16 characters').optional(),
  /** Retention: raw webhook bodies (`webhook_events`) older than this many days are deleted hourly (0 = keep forever). */
  WEBHOOK_EVENTS_RETENTION_DAYS: z.coerce.number().min(0).default(30),
  /** Retention: finished one-off jobs that agenda keeps (failed ones) are deleted after this many days (0 = keep forever). */
  JOBS_RETENTION_DAYS: z.coerce.number().min(0).default(7),
  /** Retention: flow node executions (`flow_steps`) and finished runs (`flow_runs`) older than this many days are deleted hourly (0 = keep forever). */
  FLOW_LOG_RETENTION_DAYS: z.coerce.number().min(0).default(90),
  /** Flow `http.request`: allowed host names (comma-separated, `*.example.com` wildcards; `*` = any public host). */
  FLOW_HTTP_ALLOW_HOSTS: z.string().default('*'),
  /** Flow `http.request`: allow private, loopback and link-local addresses (1) — off by default. */
  FLOW_HTTP_ALLOW_PRIVATE: z.enum(['0', '1']).default('0'),
  /** Flow `http.request` and plugin HTTP: time limit per request, ms. */
  FLOW_HTTP_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  /** Most nodes a flow's draft may have (saving more answers 422 FLOW_TOO_LARGE); edges: 4 per node. */
  FLOW_MAX_NODES: z.coerce.number().int().min(1).max(10_000).default(1000),
  /** Sandbox: memory limit per isolate (MB), time limit per run (ms), worker processes. */
  SANDBOX_MEMORY_MB: z.coerce.number().int().min(8).default(32),
  SANDBOX_TIMEOUT_MS: z.coerce.number().int().min(10).default(1000),
  SANDBOX_WORKERS: z.coerce.number().int().min(1).max(64).default(2),
});

/** The validated configuration. Times in ms unless named otherwise. */
export interface AppConfig {
  port: number;
  host: string;
  publicUrl: string;
  database: { type: 'sqlite'; path: string } | { type: 'mysql'; url: string };
  dataDir: string;
  redisUrl?: string;
  /** 32-byte AES-256-GCM key. */
  encryptionKey: Buffer;
  jwtSecret: string;
  jwtTtlSeconds: number;
  /** Platform settings plugins may read (META_*, TELEGRAM_API_URL...). */
  settings: Record<string, string | undefined>;
  /** Third-party plugin package names to load. */
  extraPlugins: string[];
  logLevel: string;
  typing: { msPerChar: number; jitterMs: number };
  mediaMaxBytes: number;
  /** agenda job processing (see core/src/jobs). */
  jobs: { processor: boolean; processEveryMs: number; lockLifetimeMs: number };
  /** Express `trust proxy` (TRUST_PROXY): which X-Forwarded-For hops give the client address. */
  trustProxy: boolean | number | string[];
  /** Bearer token of `GET /metrics` (METRICS_TOKEN); unset = the endpoint answers 404. */
  metricsToken?: string;
  /** Retention of operational rows, days (0 = keep forever); see core/src/ops/retention.service.ts. */
  retention: { webhookEventsDays: number; jobsDays: number; flowLogDays: number };
  /** Outbound HTTP of flows and plugin nodes: host allow-list, private addresses, timeout. */
  flowHttp: { allowHosts: string[]; allowPrivate: boolean; timeoutMs: number };
  sandbox: { memoryMb: number; timeoutMs: number; workers: number };
  /** Most nodes in a flow draft (`FLOW_MAX_NODES`). */
  flowMaxNodes: number;
}

/** Thrown when the environment is invalid; the message lists every problem. */
export class ConfigError extends Error {}

function loadOrCreateSecret(file: string, make: () => string): string {
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dirname(file), { recursive: true });
  const value = make();
  writeFileSync(file, value + '\n', { mode: 0o600 });
  return value;
}

/**
 * Validates `env` (default `process.env`) and returns the config.
 * @throws ConfigError listing each invalid variable.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env, cwd = process.cwd()): AppConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  const e = parsed.data;
  const dataDir = isAbsolute(e.DATA_DIR) ? e.DATA_DIR : resolve(cwd, e.DATA_DIR);
  const database: AppConfig['database'] = e.DATABASE_URL.startsWith('sqlite:')
    ? { type: 'sqlite', path: resolveSqlitePath(e.DATABASE_URL.slice('sqlite:'.length), cwd) }
    : { type: 'mysql', url: e.DATABASE_URL.replace(/^mariadb:/, 'mysql:') };
  const keyText = e.ENCRYPTION_KEY ?? loadOrCreateSecret(join(dataDir, 'encryption.key'), () => randomBytes(32).toString('base64'));
  const encryptionKey = Buffer.from(keyText, /^[0-9a-f]{64}$/i.test(keyText) ? 'hex' : 'base64');
  if (encryptionKey.length !== 32) throw new ConfigError('Invalid configuration:\n  ENCRYPTION_KEY: must be 32 bytes (base64 or 64 hex characters)');
  const jwtSecret = e.JWT_SECRET ?? loadOrCreateSecret(join(dataDir, 'jwt.secret'), () => randomBytes(48).toString('base64url'));
  return {
    port: e.PORT,
    host: e.HOST,
    publicUrl: e.PUBLIC_URL.replace(/\/$/, ''),
    database,
    dataDir,
    redisUrl: e.REDIS_URL || undefined,
    encryptionKey,
    jwtSecret,
    jwtTtlSeconds: e.JWT_TTL_SECONDS,
    settings: {
      META_APP_SECRET: e.META_APP_SECRET,
      META_VERIFY_TOKEN: e.META_VERIFY_TOKEN,
      META_APP_ID: e.META_APP_ID,
      META_WHATSAPP_CONFIG_ID: e.META_WHATSAPP_CONFIG_ID,
      META_GRAPH_URL: e.META_GRAPH_URL,
      TELEGRAM_API_URL: e.TELEGRAM_API_URL,
      PUBLIC_URL: e.PUBLIC_URL.replace(/\/$/, ''),
    },
    extraPlugins: e.PARLEY_PLUGINS.split(',').map((s) => s.trim()).filter(Boolean),
    logLevel: e.LOG_LEVEL,
    typing: { msPerChar: e.TYPING_MS_PER_CHAR, jitterMs: e.TYPING_JITTER_MS },
    mediaMaxBytes: e.MEDIA_MAX_BYTES,
    jobs: { processor: e.JOBS_PROCESSOR === '1', processEveryMs: e.JOBS_PROCESS_EVERY_MS, lockLifetimeMs: e.JOBS_LOCK_LIFETIME_MS },
    trustProxy: parseTrustProxy(e.TRUST_PROXY)!,
    metricsToken: e.METRICS_TOKEN || undefined,
    retention: { webhookEventsDays: e.WEBHOOK_EVENTS_RETENTION_DAYS, jobsDays: e.JOBS_RETENTION_DAYS, flowLogDays: e.FLOW_LOG_RETENTION_DAYS },
    flowHttp: {
      allowHosts: e.FLOW_HTTP_ALLOW_HOSTS.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean),
      allowPrivate: e.FLOW_HTTP_ALLOW_PRIVATE === '1',
      timeoutMs: e.FLOW_HTTP_TIMEOUT_MS,
    },
    sandbox: { memoryMb: e.SANDBOX_MEMORY_MB, timeoutMs: e.SANDBOX_TIMEOUT_MS, workers: e.SANDBOX_WORKERS },
    flowMaxNodes: e.FLOW_MAX_NODES,
  };
}

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** TRUST_PROXY text → Express `trust proxy` value; undefined when invalid. */
export function parseTrustProxy(text: string): boolean | number | string[] | undefined {
  const v = text.trim().toLowerCase();
  if (v === '' || v === 'false') return false;
  if (v === 'true') return true;
  if (/^\d+$/.test(v)) return Number(v);
  const list = v.split(',').map((s) => s.trim()).filter(Boolean);
  const ok = list.every((item) => {
    if (PROXY_NAMES.has(item)) return true;
    const [addr, bits, extra] = item.split('/');
    if (extra !== undefined || !isIP(addr)) return false;
    if (bits === undefined) return true;
    const max = isIP(addr) === 4 ? 32 : 128;
    return /^\d+$/.test(bits) && Number(bits) <= max;
  });
  return ok && list.length ? list : undefined;
}

function resolveSqlitePath(p: string, cwd: string): string {
  if (p === ':memory:') return p;
  return isAbsolute(p) ? p : resolve(cwd, p);
}

/** Nest injection token of {@link AppConfig}. */
export const APP_CONFIG = Symbol('APP_CONFIG');
