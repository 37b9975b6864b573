/**
 * socket.io on the HTTP server's port (default path). Clients authenticate with
 * `auth: {token}` (the JWT access token of a session not signed out) and join their tenant's room
 * (plus `user:<id>` and `session:<jti>`, so a sign-out disconnects them); events
 * (`chat_updated`, `message_created`, `message_updated`, `note_created`, `tag_updated`) go to
 * that room only.
 * With REDIS_URL set, the Redis adapter fans events out across instances.
 */
import type { Server as HttpServer } from 'node:http';
import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationShutdown } from '@nestjs/common';
import { Server } from 'socket.io';
import type { Logger } from 'pino';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { ROOT_LOGGER } from '../logging/logger.js';
import { TokensService, type VerifiedToken } from '../tenancy/tokens.service.js';
import type { ChatJson, MessageJson } from '../conversations/conversations.json.js';
import type { NoteJson, TagJson } from '../conversations/chats.service.js';

/** The server → client event map (the inbox's typed realtime contract). */
export interface ServerEvents {
  chat_updated: (e: { chat: ChatJson }) => void;
  message_created: (e: { message: MessageJson }) => void;
  message_updated: (e: { message: MessageJson }) => void;
  /** An internal note was added to a chat (agents only; never sent to the customer). */
  note_created: (e: { note: NoteJson }) => void;
  /** A tag was created, renamed or recoloured. */
  tag_updated: (e: { tag: TagJson }) => void;
}

const room = (tenantId: string) => `tenant:${tenantId}`;
const userRoom = (userId: string) => `user:${userId}`;
const sessionRoom = (jti: string) => `session:${jti}`;

@Injectable()
export class RealtimeService implements BeforeApplicationShutdown, OnApplicationShutdown {
  private io: Server<Record<string, never>, ServerEvents> | null = null;
  private cleanup: (() => Promise<void>) | null = null;
  private readonly attachHooks: ((io: Server) => void)[] = [];
  private readonly log: Logger;

  constructor(
    private readonly tokens: TokensService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ROOT_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ component: 'realtime' });
  }

  /** Attaches socket.io to the HTTP server (called once the server exists). */
  async attach(server: HttpServer): Promise<void> {
    const io = new Server<Record<string, never>, ServerEvents>(server, { cors: { origin: true, credentials: true }, serveClient: false });
    if (this.config.redisUrl) {
      const { createClient } = await import('redis');
      const { createAdapter } = await import('@socket.io/redis-adapter');
      const pub = createClient({ url: this.config.redisUrl });
      const sub = pub.duplicate();
      await Promise.all([pub.connect(), sub.connect()]);
      io.adapter(createAdapter(pub, sub));
      this.cleanup = async () => {
        await Promise.allSettled([pub.quit(), sub.quit()]);
      };
    }
    io.use((socket, next) => {
      // signature, expiry, and the session not signed out (one indexed read)
      this.tokens.authenticate((socket.handshake.auth as { token?: string })?.token).then(
        (auth) => {
          socket.data.auth = auth;
          next();
        },
        () => next(new Error('UNAUTHENTICATED')),
      );
    });
    io.on('connection', (socket) => {
      const auth = socket.data.auth as VerifiedToken;
      const rooms = [room(auth.tenantId), userRoom(auth.userId)];
      if (auth.jti) rooms.push(sessionRoom(auth.jti));
      void socket.join(rooms);
    });
    this.io = io;
    for (const hook of this.attachHooks) hook(io as unknown as Server);
    this.log.info({ redis: !!this.config.redisUrl }, 'realtime ready');
  }

  /**
   * Runs `hook` with the socket.io server once it is attached, for other namespaces with their
   * own authentication (e.g. `/webchat` for web-chat visitors, who never join tenant rooms).
   */
  onAttach(hook: (io: Server) => void): void {
    if (this.io) hook(this.io as unknown as Server);
    else this.attachHooks.push(hook);
  }

  /**
   * Whether events for `tenantId` may reach anyone: a local socket in its room, or any socket
   * at all with the Redis adapter (other instances' rooms are not known here). Lets callers skip
   * building payloads nobody receives.
   */
  hasAudience(tenantId: string): boolean {
    if (!this.io) return false;
    if (this.config.redisUrl) return true;
    return (this.io.sockets.adapter.rooms.get(room(tenantId))?.size ?? 0) > 0;
  }

  /** Emits an event to every connected client of `tenantId`. */
  emit<E extends keyof ServerEvents>(tenantId: string, event: E, ...payload: Parameters<ServerEvents[E]>): void {
    this.io?.to(room(tenantId)).emit(event, ...payload);
  }

  /** Disconnects the sockets opened with the token `jti` (signed out), on every instance with REDIS_URL. */
  disconnectSession(jti: string): void {
    this.io?.in(sessionRoom(jti)).disconnectSockets(true);
  }

  /** Disconnects every socket of the user (all sessions ended), on every instance with REDIS_URL. */
  disconnectUser(userId: string): void {
    this.io?.in(userRoom(userId)).disconnectSockets(true);
  }

  /** Closes sockets before Nest closes the HTTP server (open websockets would keep it alive). */
  beforeApplicationShutdown(): void {
    if (this.io) {
      this.io.disconnectSockets(true);
      this.io.removeAllListeners();
      this.io.engine.close();
      this.io = null;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.cleanup?.();
  }
}
