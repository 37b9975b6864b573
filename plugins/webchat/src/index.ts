/**
 * @parley/plugin-webchat — the website chat channel of Parley. The widget, the visitor API and
 * the visitor sockets are served by the host (core/src/webchat); this plugin defines the
 * channel: its config, how visitor messages are normalised, and how replies are delivered.
 */
import { definePlugin } from '@parley/sdk';
import { webchatChannel } from './channel.js';

export { webchatChannel } from './channel.js';
export { COLOR_PATTERN, DEFAULT_CONFIG, MAX_GREETING, MAX_NAME, configSchema, parseConfig, publicUrl, secretFields, snippet, type WebchatConfig, type WidgetPosition } from './config.js';
export { sendMessage, sendTyping, widgetMessage, type WidgetMessage } from './send.js';
export { ID_PATTERN, MAX_TEXT, externalIdOf, parseVisitorMessage, type VisitorMessageBody } from './visitor.js';

export default definePlugin({
  id: 'webchat',
  setup(host) {
    host.registerChannel(webchatChannel);
  },
});
