import { Global, Module } from '@nestjs/common';
import { FlowDomainEvents } from './domain-events.js';
import { ChatBotController, FlowRunsController } from './flow-runs.controller.js';

/**
 * Flow triggers from outside the inbound path: the chat/contact event publisher (global, so the
 * conversations services can call it), API-started runs, and the bot's state per chat.
 */
@Global()
@Module({
  controllers: [FlowRunsController, ChatBotController],
  providers: [FlowDomainEvents],
  exports: [FlowDomainEvents],
})
export class FlowTriggersModule {}
