/**
 * Normalised message shapes shared by every channel. Channel plugins translate provider
 * payloads into these; the host stores them and the inbox renders them.
 */

/** Message types Parley stores and renders (one inbox bubble per type). */
export type MessageType =
  | 'text'
  | 'image'
  | 'audio'
  | 'video'
  | 'document'
  | 'sticker'
  | 'location'
  | 'contacts'
  | 'interactive'
  | 'button'
  | 'template'
  | 'reaction'
  | 'system'
  | 'unsupported';

/** Media message types (carry a {@link MediaInfo}). */
export const MEDIA_TYPES: ReadonlySet<MessageType> = new Set(['image', 'audio', 'video', 'document', 'sticker']);

/** Delivery status of a message. `queued` exists only in the host, before the send. */
export type MessageStatus = 'received' | 'queued' | 'sent' | 'delivered' | 'read' | 'played' | 'failed';

/** A provider's error as reported inside a webhook or a send response. */
export interface ProviderError {
  /** Provider code, e.g. 131049. */
  code: string | number;
  /** Short title or message from the provider. */
  title?: string;
  /** Longer detail (WhatsApp `error_data.details`). */
  details?: string;
}

/** Media attached to an inbound or outbound message. */
export interface MediaInfo {
  /** Provider media id (WhatsApp media id, Telegram file_id); used to download. */
  providerMediaId?: string;
  /** Provider download URL if the webhook carried one (often short-lived). */
  providerUrl?: string;
  mimeType?: string;
  /** Base64 SHA-256 as given by the provider. */
  sha256?: string;
  /** Size in bytes, when known. */
  size?: number;
  caption?: string;
  filename?: string;
  /** Audio recorded as a voice note (WhatsApp `voice: true`). */
  voice?: boolean;
  /** Animated sticker. */
  animated?: boolean;
  /**
   * A file the host already holds in its own storage (e.g. an image a web-chat visitor uploaded
   * through the host's visitor API): the host links it to the message as stored, with no
   * download. Only set it from values the host gave the plugin.
   */
  hostFileId?: string;
}

/** The sender of an inbound event as the channel identifies them. */
export interface InboundSender {
  /**
   * Stable id of the user on this channel: WhatsApp `wa_id` or, when that is empty,
   * the business-scoped user id (`user_id`); Telegram user id; Messenger PSID.
   */
  externalId: string;
  /** E.164 digits without `+` when the channel exposes a phone number. */
  phone?: string | null;
  /** Channel username (WhatsApp usernames, Telegram @username). */
  username?: string | null;
  /** Display name from the provider profile. */
  name?: string | null;
  /** Avatar URL when the webhook carries one. */
  avatarUrl?: string | null;
  /** E-mail address when the channel collects one (e.g. a web-chat pre-chat form); kept on new contacts. */
  email?: string | null;
}

/** One inbound customer message, normalised. */
export interface InboundMessage {
  kind: 'message';
  /** Routing key of the receiving account (WhatsApp phone_number_id, page id...). */
  accountId: string;
  /** Provider message id; unique per channel, used for de-duplication. */
  externalId: string;
  /** `in` for customer messages; `out` for echoes of messages the business sent elsewhere. */
  direction: 'in' | 'out';
  /**
   * The customer of the conversation. For `in` the author; for `out` (echoes) the customer the
   * business wrote to, so that the echo lands in that customer's chat.
   */
  sender: InboundSender;
  /** Provider timestamp, epoch milliseconds. */
  timestamp: number;
  type: MessageType;
  /** Text body, caption, or a textual summary (button title, reaction emoji). */
  text: string | null;
  media?: MediaInfo | null;
  /**
   * Type-specific structured content, e.g. `{latitude, longitude, name, address}` for
   * `location`, `{contacts:[...]}` for `contacts`, `{replyId, title}` for replies,
   * `{referral}` for ads referrals. Stored as JSON.
   */
  content?: Record<string, unknown> | null;
  /** Provider id of the message this one quotes (reply with context). */
  replyToExternalId?: string | null;
  /** For `reaction`: the provider id of the message reacted to; emoji null = removed. */
  reaction?: { targetExternalId: string; emoji: string | null } | null;
  /** Provider-level errors attached to the message (e.g. unsupported type 131051). */
  errors?: ProviderError[];
}

/** A delivery status update for a message the business sent. */
export interface InboundStatus {
  kind: 'status';
  accountId: string;
  /** Provider id of the outbound message (empty when the status is a watermark, see `upToTimestamp`). */
  externalId: string;
  status: 'sent' | 'delivered' | 'read' | 'played' | 'failed';
  /**
   * Watermark status (Messenger `read`/`delivery` watermarks): instead of naming one message,
   * the status applies to every outbound message of the chat with `recipientId` sent at or
   * before this epoch-ms time. `recipientId` is required with it.
   */
  upToTimestamp?: number;
  /** Epoch milliseconds. */
  timestamp: number;
  /** The recipient's channel id (`recipient_id` or `recipient_user_id`). */
  recipientId?: string | null;
  errors?: ProviderError[];
}

/** Account-level notification that is not a message or status (value-level errors, template updates). */
export interface InboundAccountEvent {
  kind: 'account_event';
  accountId: string;
  /** e.g. `errors`, `message_template_status_update`. */
  topic: string;
  data: Record<string, unknown>;
  errors?: ProviderError[];
}

/** Everything a webhook can carry after parsing. One webhook may carry many. */
export type InboundEvent = InboundMessage | InboundStatus | InboundAccountEvent;

/** Recipient of an outbound message. */
export interface OutboundRecipient {
  /** The contact's channel identity (same as {@link InboundSender.externalId}). */
  externalId: string;
  phone?: string | null;
  /**
   * Epoch ms of the contact's last inbound message in this chat, when the host knows it (for
   * channels whose sending rules depend on it, e.g. Messenger's 24-hour standard window).
   */
  lastInboundAt?: number | null;
}

/** One button of an interactive message. */
export interface OutboundButton {
  id: string;
  title: string;
}

/** A list section of an interactive list message. */
export interface OutboundListSection {
  title?: string;
  rows: { id: string; title: string; description?: string }[];
}

/** A normalised outbound message the host asks a channel to deliver. */
export interface OutboundMessage {
  /** Host message id (for idempotency keys and logs). */
  id: string;
  to: OutboundRecipient;
  type: MessageType;
  text?: string | null;
  /** For media types: `providerMediaId` (already uploaded) or `url` (public link). */
  media?: { providerMediaId?: string; url?: string; caption?: string; filename?: string; mimeType?: string } | null;
  /** For `template`: provider template name, language code and components (WhatsApp format). */
  template?: { name: string; language: string; components?: unknown[] } | null;
  /** For `interactive`: reply buttons (≤ 3) or a list. */
  interactive?: {
    kind: 'buttons' | 'list';
    body: string;
    header?: string;
    footer?: string;
    buttons?: OutboundButton[];
    buttonText?: string;
    sections?: OutboundListSection[];
  } | null;
  /** For `reaction`: the provider id of the message to react to; emoji '' removes. */
  reaction?: { targetExternalId: string; emoji: string } | null;
  /** Provider id of the message being replied to (quote). */
  replyToExternalId?: string | null;
}

/** Result of a successful send. */
export interface SendResult {
  /** Provider message id (wamid...), stored to match status webhooks. */
  externalId: string;
}
