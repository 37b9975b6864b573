/**
 * Outbound HTTP on behalf of flows and plugin nodes (DESIGN.md §6: HTTP only through the host).
 * Rules: http/https only; the host name must be on the allow-list (`FLOW_HTTP_ALLOW_HOSTS`);
 * the name is resolved once and every resolved address is checked — private, loopback,
 * link-local, CGNAT, multicast and unspecified addresses are refused unless
 * `FLOW_HTTP_ALLOW_PRIVATE=1` — and the connection is pinned to the checked address (no DNS
 * rebinding between check and connect). Redirects are not followed; time and response size are
 * bounded. Failures throw {@link HostHttpError} with a code flows can branch on.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import { BlockList, isIP } from 'node:net';
import type { NodeHttpRequest, NodeHttpResponse } from '@parley/sdk';

export type HostHttpErrorCode = 'HTTP_BLOCKED' | 'HTTP_TIMEOUT' | 'HTTP_FAILED' | 'HTTP_TOO_LARGE';

export class HostHttpError extends Error {
  constructor(
    readonly code: HostHttpErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'HostHttpError';
  }
}

export interface HostHttpOptions {
  /** Host patterns: `api.example.com`, `*.example.com`, or `*` (any host). */
  allowHosts: string[];
  allowPrivate: boolean;
  timeoutMs: number;
  /** Largest response body read, bytes (default 1 MiB). */
  maxBytes?: number;
}

const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12], ['192.0.0.0', 24], ['192.0.2.0', 24],
  ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24], ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) blocked.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['64:ff9b::', 96], ['2001:db8::', 32], ['100::', 64]] as const) {
  blocked.addSubnet(net, prefix, 'ipv6');
}

/** True for addresses flows may not reach unless private addresses are allowed. */
export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return isPrivateAddress(mapped[1]);
  const family = isIP(address);
  if (family === 4) return blocked.check(address, 'ipv4');
  if (family === 6) return blocked.check(address, 'ipv6');
  return true;
}

/** True when `host` matches one of the allow-list patterns. */
export function hostAllowed(host: string, patterns: string[]): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  return patterns.some((p) => p === '*' || p === h || (p.startsWith('*.') && h.endsWith(p.slice(1))));
}

export class HostHttp {
  constructor(private readonly opts: HostHttpOptions) {}

  /** Performs `req` under the rules above. @throws HostHttpError. */
  async request(req: NodeHttpRequest): Promise<NodeHttpResponse> {
    let url: URL;
    try {
      url = new URL(req.url);
    } catch {
      throw new HostHttpError('HTTP_BLOCKED', `Invalid URL: ${String(req.url).slice(0, 200)}`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new HostHttpError('HTTP_BLOCKED', `Only http and https URLs are allowed (${url.protocol})`);
    if (url.username || url.password) throw new HostHttpError('HTTP_BLOCKED', 'Credentials in URLs are not allowed; use headers');
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (!hostAllowed(host, this.opts.allowHosts)) throw new HostHttpError('HTTP_BLOCKED', `Host ${host} is not on the allow-list (FLOW_HTTP_ALLOW_HOSTS)`);
    let address: string;
    let family: number;
    if (isIP(host)) {
      address = host;
      family = isIP(host);
    } else {
      const all = await dnsLookup(host, { all: true }).catch(() => {
        throw new HostHttpError('HTTP_FAILED', `Cannot resolve ${host}`);
      });
      if (!all.length) throw new HostHttpError('HTTP_FAILED', `Cannot resolve ${host}`);
      if (!this.opts.allowPrivate && all.some((a) => isPrivateAddress(a.address))) {
        throw new HostHttpError('HTTP_BLOCKED', `${host} resolves to a private or loopback address`);
      }
      ({ address, family } = all[0]);
    }
    if (!this.opts.allowPrivate && isPrivateAddress(address)) throw new HostHttpError('HTTP_BLOCKED', `${address} is a private or loopback address`);

    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers ?? {})) {
      if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$/.test(k) || /[\r\n]/.test(String(v))) throw new HostHttpError('HTTP_BLOCKED', `Invalid header ${k.slice(0, 100)}`);
      if (/^(host|connection|content-length|transfer-encoding)$/i.test(k)) continue;
      headers[k.toLowerCase()] = String(v);
    }
    let payload: Buffer | null = null;
    if (req.body !== undefined && req.body !== null && req.method !== 'GET' && req.method !== 'HEAD') {
      payload = Buffer.from(typeof req.body === 'string' ? req.body : JSON.stringify(req.body));
      if (typeof req.body !== 'string' && !headers['content-type']) headers['content-type'] = 'application/json';
      headers['content-length'] = String(payload.length);
    }
    headers['user-agent'] ??= 'Parley-Flows/1';
    const timeoutMs = Math.min(req.timeoutMs ?? this.opts.timeoutMs, this.opts.timeoutMs);
    const maxBytes = this.opts.maxBytes ?? 1024 * 1024;
    const mod = url.protocol === 'https:' ? https : http;

    return new Promise<NodeHttpResponse>((resolve, reject) => {
      const r = mod.request(
        url,
        {
          method: req.method,
          headers,
          // pin the connection to the address that was checked
          lookup: (_h: string, o: { all?: boolean }, cb: (...a: any[]) => void) => (o?.all ? cb(null, [{ address, family }]) : cb(null, address, family)),
          ...(url.protocol === 'https:' && isIP(host) === 0 ? { servername: host } : {}),
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (size > maxBytes) {
              res.destroy();
              reject(new HostHttpError('HTTP_TOO_LARGE', `The response is larger than ${maxBytes} bytes`));
              return;
            }
            chunks.push(c);
          });
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            const type = String(res.headers['content-type'] ?? '');
            let body: unknown = text;
            if (/json/i.test(type) && text) {
              try {
                body = JSON.parse(text);
              } catch {
                /* keep text */
              }
            }
            const hs: Record<string, string> = {};
            for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) hs[k] = Array.isArray(v) ? v.join(', ') : String(v);
            resolve({ status: res.statusCode ?? 0, headers: hs, body });
          });
          res.on('error', (e) => reject(new HostHttpError('HTTP_FAILED', e.message)));
        },
      );
      r.setTimeout(timeoutMs, () => {
        r.destroy();
        reject(new HostHttpError('HTTP_TIMEOUT', `No answer within ${timeoutMs} ms`));
      });
      r.on('error', (e) => reject(e instanceof HostHttpError ? e : new HostHttpError('HTTP_FAILED', e.message)));
      if (payload) r.write(payload);
      r.end();
    });
  }
}
