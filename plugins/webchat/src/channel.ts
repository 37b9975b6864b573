/**
 * The `webchat` channel type: a chat widget on the tenant's own website. No outside account:
 * `connect` only names the channel's routing key (its own id). Visitor messages reach the host's
 * visitor API, which authenticates the visitor and calls `webhook.parse`; the public webhook URL
 * (`/webhooks/webchat/:channelId`) is always refused (`verify` is false), so nobody can post as
 * a visitor without a visitor token. Replies are pushed to the visitor's widget through the host.
 */
import { defineChannel } from '@parley/sdk';
import { configSchema, parseConfig, publicUrl, secretFields, snippet, type WebchatConfig } from './config.js';
import { sendMessage, sendTyping } from './send.js';
import { parseVisitorMessage } from './visitor.js';

export const webchatChannel = defineChannel<WebchatConfig>({
  type: 'webchat',
  displayName: 'Website chat',
  configSchema,
  secretFields,
  parseConfig,
  // a person typing in a browser: keep the same typing simulation as the other channels
  simulateTyping: true,
  rateLimits: { perRecipient: { ratePerSec: 5, burst: 20 } },
  webhook: {
    routing: 'channel',
    verify: () => false,
    parse: (req) => parseVisitorMessage(req.rawBody),
  },
  async connect(ctx) {
    return { accountId: ctx.channelId, info: { widget: 'webchat' } };
  },
  send: sendMessage,
  sendTyping,
  publicFields(channel, runtime) {
    const base = publicUrl(runtime);
    return {
      snippet: snippet(base, channel.id),
      widgetUrl: `${base}/webchat/widget.js`,
      demoUrl: `${base}/webchat/demo?channelId=${encodeURIComponent(channel.id)}`,
    };
  },
});
