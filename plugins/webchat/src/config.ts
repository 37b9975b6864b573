/**
 * Channel config of the web chat: how the widget looks and what it asks. Nothing here is
 * secret (the widget fetches it publicly), so the plugin has no secret fields.
 */
import { ChannelError, type JsonSchema, type PluginRuntime } from '@parley/sdk';

export type WidgetPosition = 'left' | 'right';

/** Config of one web-chat channel (one widget). */
export interface WebchatConfig {
  /** Title shown in the widget's header; the channel name when absent. */
  name?: string;
  /** Accent colour, `#rgb` or `#rrggbb`. */
  color: string;
  /** First bubble the visitor sees (not stored as a message). */
  greeting: string;
  /** Corner of the page the launcher sits in. */
  position: WidgetPosition;
  /** Ask the visitor's name before the first message. */
  askName: boolean;
  /** Ask the visitor's e-mail before the first message. */
  askEmail: boolean;
}

export const DEFAULT_CONFIG: WebchatConfig = { color: '#0f766e', greeting: 'Hi! How can we help you today?', position: 'right', askName: false, askEmail: false };

export const MAX_NAME = 80;
export const MAX_GREETING = 500;
export const COLOR_PATTERN = /^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/;

export const configSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    name: { type: 'string', title: 'Widget title', maxLength: MAX_NAME, description: 'Shown in the chat window header (defaults to the channel name)' },
    color: { type: 'string', title: 'Colour', pattern: COLOR_PATTERN.source, default: DEFAULT_CONFIG.color },
    greeting: { type: 'string', title: 'Greeting', maxLength: MAX_GREETING, default: DEFAULT_CONFIG.greeting },
    position: { type: 'string', title: 'Position', enum: ['left', 'right'], default: DEFAULT_CONFIG.position },
    askName: { type: 'boolean', title: 'Ask for the visitor\u2019s name', default: false },
    askEmail: { type: 'boolean', title: 'Ask for the visitor\u2019s e-mail', default: false },
  },
};

export const secretFields: readonly string[] = [];

const invalid = (message: string) => new ChannelError('INVALID_CONFIG', `Invalid web chat config: ${message}`);

/** Validates and normalises raw config input (defaults for missing keys). Throws `ChannelError('INVALID_CONFIG')`. */
export function parseConfig(input: unknown): WebchatConfig {
  if (input === undefined || input === null) input = {};
  if (typeof input !== 'object' || Array.isArray(input)) throw invalid('config must be an object');
  const raw = input as Record<string, unknown>;
  const known = new Set(Object.keys(configSchema.properties as object));
  const unknown = Object.keys(raw).filter((k) => !known.has(k));
  if (unknown.length) throw invalid(`unknown field(s) ${unknown.join(', ')}`);
  const out: WebchatConfig = { ...DEFAULT_CONFIG };
  if (raw.name !== undefined && raw.name !== null) {
    if (typeof raw.name !== 'string' || raw.name.trim().length > MAX_NAME) throw invalid(`name must be a string of at most ${MAX_NAME} characters`);
    if (raw.name.trim()) out.name = raw.name.trim();
  }
  if (raw.color !== undefined) {
    if (typeof raw.color !== 'string' || !COLOR_PATTERN.test(raw.color.trim())) throw invalid('color must be #rgb or #rrggbb');
    out.color = raw.color.trim().toLowerCase();
  }
  if (raw.greeting !== undefined) {
    if (typeof raw.greeting !== 'string' || raw.greeting.trim().length > MAX_GREETING) throw invalid(`greeting must be a string of at most ${MAX_GREETING} characters`);
    out.greeting = raw.greeting.trim();
  }
  if (raw.position !== undefined) {
    if (raw.position !== 'left' && raw.position !== 'right') throw invalid('position must be "left" or "right"');
    out.position = raw.position;
  }
  for (const key of ['askName', 'askEmail'] as const) {
    if (raw[key] !== undefined) {
      if (typeof raw[key] !== 'boolean') throw invalid(`${key} must be true or false`);
      out[key] = raw[key] as boolean;
    }
  }
  return out;
}

/** `PUBLIC_URL` without trailing slash (`http://localhost:3000` when unset). */
export function publicUrl(runtime: Pick<PluginRuntime, 'setting'>): string {
  return (runtime.setting('PUBLIC_URL')?.trim() || 'http://localhost:3000').replace(/\/+$/, '');
}

const escapeAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The one-line embed code of a channel: `<script src="PUBLIC_URL/webchat/widget.js" data-channel="<id>" async></script>`. */
export function snippet(base: string, channelId: string): string {
  return `<script src="${escapeAttr(`${base}/webchat/widget.js`)}" data-channel="${escapeAttr(channelId)}" async></script>`;
}
