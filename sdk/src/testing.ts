/**
 * Test harness for plugin authors: run `setup` against an in-memory host, build webhook
 * requests, and sign Meta-style webhooks. No Parley core needed.
 */
import { createHmac } from 'node:crypto';
import type { ChannelDefinition, PluginLogger, PluginRuntime, PushEvent, WebhookRequest, ChannelContext } from './channel.js';
import type { ParleyPlugin, PluginHost } from './plugin.js';

const silentLogger: PluginLogger = { debug() {}, info() {}, warn() {}, error() {} };

/** What {@link createTestHost} returns: the host to pass to `setup` and what was registered. */
export interface TestHost extends PluginHost {
  channels: Map<string, ChannelDefinition<any>>;
  runtime: PluginRuntime;
}

/**
 * Builds an in-memory host. `settings` are the platform settings the plugin may read;
 * `fetchImpl` defaults to the global fetch (point it at a local fake server).
 */
export function createTestHost(pluginId: string, settings: Record<string, string | undefined> = {}, fetchImpl: typeof fetch = fetch): TestHost {
  const channels = new Map<string, ChannelDefinition<any>>();
  const runtime: PluginRuntime = { setting: (n) => settings[n], fetch: fetchImpl, logger: silentLogger };
  return {
    pluginId,
    channels,
    runtime,
    logger: silentLogger,
    setting: (n) => settings[n],
    registerChannel(channel) {
      if (channels.has(channel.type)) throw new Error(`Channel type ${channel.type} registered twice`);
      channels.set(channel.type, channel as ChannelDefinition<any>);
    },
  };
}

/** Runs a plugin's setup on a test host and returns the host. */
export async function loadPluginForTest(plugin: ParleyPlugin, settings: Record<string, string | undefined> = {}, fetchImpl: typeof fetch = fetch): Promise<TestHost> {
  const host = createTestHost(plugin.id, settings, fetchImpl);
  await plugin.setup(host);
  return host;
}

/** Builds a {@link WebhookRequest} from a body (object, string or bytes). Header names are lower-cased. */
export function makeWebhookRequest(body: unknown, init: { method?: string; headers?: Record<string, string>; query?: Record<string, string>; params?: Record<string, string> } = {}): WebhookRequest {
  const rawBody = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(init.headers ?? {})) headers[k.toLowerCase()] = v;
  return { method: init.method ?? 'POST', params: init.params ?? {}, query: init.query ?? {}, headers, rawBody };
}

/** `sha256=<hex HMAC-SHA256(appSecret, rawBody)>`, Meta's `X-Hub-Signature-256` header value. */
export function signMetaPayload(rawBody: Buffer | string, appSecret: string): string {
  return 'sha256=' + createHmac('sha256', appSecret).update(rawBody).digest('hex');
}

/** A channel context for calling a channel's methods directly in tests. */
export function makeChannelContext<Config>(
  config: Config,
  runtime: PluginRuntime,
  ids: { channelId?: string; tenantId?: string; push?: ChannelContext<Config>['push'] } = {},
): ChannelContext<Config> {
  const ctx: ChannelContext<Config> = { ...runtime, config, channelId: ids.channelId ?? 'channel-test', tenantId: ids.tenantId ?? 'tenant-test' };
  if (ids.push) ctx.push = ids.push;
  return ctx;
}

/** A `ChannelContext.push` that records what it is given, for tests of host-delivered channels. */
export function recordingPush(): { push: NonNullable<ChannelContext<unknown>['push']>; events: { to: string; event: PushEvent }[] } {
  const events: { to: string; event: PushEvent }[] = [];
  return { events, push: async (to, event) => void events.push({ to, event }) };
}
