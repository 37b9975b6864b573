import { Body, Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { parseInput, zodSchema } from '../http/validation.js';
import { Auth, AuthGuard, Session } from './auth.guard.js';
import type { VerifiedToken } from './tokens.service.js';
import type { AuthResult, AuthUser, TenantJson, UserJson } from './auth.types.js';
import { createUserSchema, loginSchema, signupSchema } from './dto.js';
import { TenancyService } from './tenancy.service.js';

/** Self-serve signup and login (DESIGN.md §4 Auth). */
@ApiTags('auth')
@Controller('api/v1/auth')
export class AuthController {
  constructor(private readonly tenancy: TenancyService) {}

  /** 201 `{accessToken, user, tenant}`; 409 EMAIL_TAKEN; 400 VALIDATION_FAILED. */
  @Post('signup')
  @ApiOperation({ summary: 'Create a tenant, its owner and a default funnel' })
  @ApiBody({ schema: zodSchema(signupSchema) })
  signup(@Body() body: unknown): Promise<AuthResult> {
    return this.tenancy.signup(parseInput(signupSchema, body));
  }

  /** 200 `{accessToken, user, tenant}`; 401 INVALID_CREDENTIALS. */
  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange email and password for an access token' })
  @ApiBody({ schema: zodSchema(loginSchema) })
  login(@Body() body: unknown): Promise<AuthResult> {
    return this.tenancy.login(parseInput(loginSchema, body));
  }

  /**
   * 204: signs out the presented token (later requests with it, and its sockets, get 401
   * UNAUTHENTICATED); the user's other sessions keep working. 401 if already signed out.
   */
  @Post('logout')
  @HttpCode(204)
  @UseGuards(AuthGuard)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Sign out the presented access token' })
  logout(@Session() session: VerifiedToken): Promise<void> {
    return this.tenancy.logout(session);
  }

  /** 204: ends every session of the caller (all devices), this token included. */
  @Post('logout-all')
  @HttpCode(204)
  @UseGuards(AuthGuard)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Sign out every session of the caller' })
  logoutAll(@Auth() auth: AuthUser): Promise<void> {
    return this.tenancy.endAllSessions(auth.tenantId, auth.userId);
  }

  /** The caller's user and tenant. */
  @Get('me')
  @UseGuards(AuthGuard)
  @ApiBearerAuth()
  me(@Auth() auth: AuthUser): Promise<{ user: UserJson; tenant: TenantJson }> {
    return this.tenancy.me(auth);
  }
}

/** Users of the caller's tenant. */
@ApiTags('users')
@ApiBearerAuth()
@UseGuards(AuthGuard)
@Controller('api/v1/users')
export class UsersController {
  constructor(private readonly tenancy: TenancyService) {}

  /** 201 user; 403 FORBIDDEN for agents or PLAN_LIMIT_REACHED; 409 EMAIL_TAKEN. */
  @Post()
  @ApiBody({ schema: zodSchema(createUserSchema) })
  create(@Auth() auth: AuthUser, @Body() body: unknown): Promise<UserJson> {
    return this.tenancy.createUser(auth, parseInput(createUserSchema, body));
  }

  /** `{data:[user], nextCursor:null}` (a tenant has few users; one page). */
  @Get()
  async list(@Auth() auth: AuthUser): Promise<{ data: UserJson[]; nextCursor: null }> {
    return { data: await this.tenancy.listUsers(auth), nextCursor: null };
  }

  @Get(':id')
  get(@Auth() auth: AuthUser, @Param('id') id: string): Promise<UserJson> {
    return this.tenancy.getUser(auth, id);
  }
}
