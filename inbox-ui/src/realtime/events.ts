import type { Chat, Message } from '../api/types.js';

/** The server → client event map (core/src/realtime/realtime.service.ts `ServerEvents`). */
export interface ServerEvents {
  chat_updated: (e: { chat: Chat }) => void;
  message_created: (e: { message: Message }) => void;
  message_updated: (e: { message: Message }) => void;
}

export type EventName = keyof ServerEvents;
export type EventPayload<E extends EventName> = Parameters<ServerEvents[E]>[0];
export type Handlers = { [E in EventName]: ServerEvents[E] };

export const EVENT_NAMES: EventName[] = ['chat_updated', 'message_created', 'message_updated'];
