import type { Chat, Message, Note, Tag } from '../api/types.js';

/** The server → client event map (core/src/realtime/realtime.service.ts `ServerEvents`). */
export interface ServerEvents {
  chat_updated: (e: { chat: Chat }) => void;
  message_created: (e: { message: Message }) => void;
  message_updated: (e: { message: Message }) => void;
  /** An internal note added by any agent of the tenant. */
  note_created: (e: { note: Note }) => void;
  /** A tag created, renamed or recoloured. */
  tag_updated: (e: { tag: Tag }) => void;
}

export type EventName = keyof ServerEvents;
export type EventPayload<E extends EventName> = Parameters<ServerEvents[E]>[0];
export type Handlers = { [E in EventName]: ServerEvents[E] };

export const EVENT_NAMES: EventName[] = ['chat_updated', 'message_created', 'message_updated', 'note_created', 'tag_updated'];
