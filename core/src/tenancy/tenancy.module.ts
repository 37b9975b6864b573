import { Global, Module } from '@nestjs/common';
import { AuthGuard } from './auth.guard.js';
import { AuthController, UsersController } from './tenancy.controller.js';
import { TenancyRepository } from './tenancy.repository.js';
import { TenancyService } from './tenancy.service.js';
import { TokensService } from './tokens.service.js';

@Global()
@Module({
  controllers: [AuthController, UsersController],
  providers: [TenancyRepository, TenancyService, TokensService, AuthGuard],
  exports: [TokensService, AuthGuard, TenancyRepository],
})
export class TenancyModule {}
