import { Global, Module } from '@nestjs/common';
import { ChannelsModule } from '../channels/channels.module.js';
import { SandboxModule } from '../sandbox/sandbox.module.js';
import { FlowEngine } from './engine.js';
import { FlowWebhooksController } from './flow-webhooks.controller.js';
import { FlowNodeTypesController, FlowsController } from './flows.controller.js';
import { FlowsRepository } from './flows.repository.js';
import { FlowsService } from './flows.service.js';
import { NodeRegistry } from './node-registry.js';
import { RunsRepository } from './runs.repository.js';

/**
 * Flows: definitions, versions, the engine and its runs. Global so that the conversations
 * post-commit handler can hand committed inbound messages to {@link FlowEngine}.
 */
@Global()
@Module({
  imports: [ChannelsModule, SandboxModule],
  controllers: [FlowsController, FlowNodeTypesController, FlowWebhooksController],
  providers: [NodeRegistry, FlowsRepository, RunsRepository, FlowEngine, FlowsService],
  exports: [FlowEngine, NodeRegistry],
})
export class FlowsModule {}
