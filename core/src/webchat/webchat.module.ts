import { Module } from '@nestjs/common';
import { ChannelsModule } from '../channels/channels.module.js';
import { ClickToChatController } from './click-to-chat.controller.js';
import { ClickToChatService } from './click-to-chat.service.js';
import { WebchatController } from './webchat.controller.js';
import { WebchatGateway } from './webchat.gateway.js';
import { WebchatRepository } from './webchat.repository.js';
import { WebchatService } from './webchat.service.js';

/** The web chat's visitor side (widget, visitor API, visitor sockets, demo page) and click-to-chat buttons. */
@Module({
  imports: [ChannelsModule],
  controllers: [WebchatController, ClickToChatController],
  providers: [WebchatRepository, WebchatGateway, WebchatService, ClickToChatService],
})
export class WebchatModule {}
