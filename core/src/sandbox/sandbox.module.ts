import { Global, Module } from '@nestjs/common';
import { SandboxService } from './sandbox.service.js';

/** The isolated-vm sandbox for code nodes, expressions and plugin nodes' logic. */
@Global()
@Module({ providers: [SandboxService], exports: [SandboxService] })
export class SandboxModule {}
