import { Module } from '@nestjs/common';
import { ChannelRuntime } from './channel-runtime.js';
import { ChannelsController } from './channels.controller.js';
import { ChannelsRepository } from './channels.repository.js';
import { ChannelsService } from './channels.service.js';
import { InboundPipeline } from './inbound.pipeline.js';
import { InboundRepository } from './inbound.repository.js';
import { OutboundDispatcher } from './outbound.dispatcher.js';
import { OutboundRepository } from './outbound.repository.js';
import { ChannelTemplatesService } from './templates.service.js';
import { WebhooksController } from './webhooks.controller.js';
import { WebhooksService } from './webhooks.service.js';

/** Connected accounts, the inbound pipeline and the outbound dispatcher. */
@Module({
  controllers: [ChannelsController, WebhooksController],
  providers: [ChannelRuntime, ChannelsRepository, ChannelsService, InboundRepository, InboundPipeline, WebhooksService, OutboundRepository, OutboundDispatcher, ChannelTemplatesService],
  exports: [ChannelRuntime, ChannelsRepository, OutboundDispatcher, InboundPipeline],
})
export class ChannelsModule {}
