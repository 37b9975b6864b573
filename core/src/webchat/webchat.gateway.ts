/**
 * Visitor sockets: the socket.io namespace `/webchat` on the same server as the agents' sockets.
 * A visitor connects with `auth: {token}` (the visitor token) and joins only its own room
 * `visitor:<channelId>:<visitorId>`; visitors never join tenant rooms, and agent tokens are not
 * accepted here (nor visitor tokens on the default namespace). Events to visitors: `message`
 * `{message}` and `typing` `{on}`. It is also the host's `ChannelContext.push` sink, so a
 * channel plugin's `send` reaches the visitor's open widgets (across instances with Redis).
 */
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Namespace } from 'socket.io';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { ChannelRuntime } from '../channels/channel-runtime.js';
import { RealtimeService } from '../realtime/realtime.service.js';
import { verifyVisitorToken } from './visitor-token.js';

export const VISITOR_NAMESPACE = '/webchat';
export const visitorRoom = (channelId: string, visitorId: string) => `visitor:${channelId}:${visitorId}`;

@Injectable()
export class WebchatGateway implements OnModuleInit {
  private ns: Namespace | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly realtime: RealtimeService,
    private readonly runtime: ChannelRuntime,
  ) {}

  onModuleInit(): void {
    this.runtime.setPushSink(async (channel, to, event) => this.emitToVisitor(channel.id, to, event.type, event.data));
    this.realtime.onAttach((io) => {
      const ns = io.of(VISITOR_NAMESPACE);
      ns.use((socket, next) => {
        try {
          socket.data.visitor = verifyVisitorToken(this.config.jwtSecret, (socket.handshake.auth as { token?: string })?.token);
          next();
        } catch {
          next(new Error('UNAUTHENTICATED'));
        }
      });
      ns.on('connection', (socket) => {
        const v = socket.data.visitor as { channelId: string; visitorId: string };
        void socket.join(visitorRoom(v.channelId, v.visitorId));
      });
      this.ns = ns;
    });
  }

  emitToVisitor(channelId: string, visitorId: string, event: string, data: Record<string, unknown>): void {
    this.ns?.to(visitorRoom(channelId, visitorId)).emit(event, data);
  }
}
