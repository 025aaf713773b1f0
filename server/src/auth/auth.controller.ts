import { Body, Controller, Get, HttpCode, Ip, Post, Query, Req } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { NoStore } from '../common/no-store.decorator';
import { ChangesState } from '../common/state-changing-get';
import { SessionsService } from '../sessions/sessions.service';
import { toPublicUser, type PublicUser } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import type { Principal } from './access-token.service';
import { AuthService } from './auth.service';
import { CurrentPrincipal } from './current-principal.decorator';
import { RequireLiveSession } from './live-session.guard';
import { LoginDto, RegisterDto } from './dto/credentials.dto';
import { RefreshDto } from './dto/refresh.dto';
import { PublicUserDto, TokenPairDto } from './dto/token-pair.dto';
import { Public } from './public.decorator';

@ApiTags('user')
@Controller('user')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
  ) {}

  @Public()
  @Post('login')
  @NoStore()
  @HttpCode(200)
  @ApiOkResponse({ type: TokenPairDto })
  @ApiUnauthorizedResponse({
    description: 'Invalid username or password (WWW-Authenticate: Password)',
  })
  @ApiTooManyRequestsResponse({ description: 'Too many failed attempts; see Retry-After' })
  login(@Body() body: LoginDto, @Req() request: FastifyRequest): Promise<TokenPairDto> {
    return this.auth.login(body.username, body.password, {
      userAgent: request.headers['user-agent'],
      ip: request.ip,
    });
  }

  @Public()
  @Post('refresh')
  @NoStore()
  @HttpCode(200)
  @ApiOkResponse({ type: TokenPairDto })
  @ApiUnauthorizedResponse({
    description:
      'Invalid, expired, revoked or reused refresh token (WWW-Authenticate: RefreshToken error="invalid_grant")',
  })
  refresh(@Body() body: RefreshDto, @Ip() ip: string): Promise<TokenPairDto> {
    return this.auth.refresh(body.refresh_token, ip);
  }

  /** The tutorial's route, kept for clients written against it; prefer POST (no token in URLs or logs). */
  @Public()
  @Get('refresh')
  @ChangesState()
  @NoStore()
  @ApiOperation({
    deprecated: true,
    summary: 'Refresh with the token in the query string (the tutorial’s route)',
    description:
      'Kept for clients written against the original tutorial; use POST /user/refresh, which keeps the token out of URLs and logs. HEAD answers 405: it never rotates a token.',
  })
  @ApiOkResponse({ type: TokenPairDto })
  @ApiUnauthorizedResponse({
    description:
      'Invalid, expired, revoked or reused refresh token (WWW-Authenticate: RefreshToken error="invalid_grant")',
  })
  refreshByQuery(@Query() query: RefreshDto, @Ip() ip: string): Promise<TokenPairDto> {
    return this.auth.refresh(query.refresh_token, ip);
  }

  @Public()
  @Post('register')
  @NoStore()
  @ApiCreatedResponse({ type: PublicUserDto })
  @ApiConflictResponse({ description: 'Username is already taken' })
  register(@Body() body: RegisterDto): Promise<PublicUser> {
    return this.users.register(body.username, body.password);
  }

  @Get('me')
  @NoStore()
  @ApiBearerAuth()
  @ApiOkResponse({ type: PublicUserDto })
  me(@CurrentPrincipal() principal: Principal): PublicUser {
    // From the token alone: no database on the guarded path.
    return toPublicUser({ id: principal.userId, username: principal.username });
  }

  @Post('logout')
  @RequireLiveSession()
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiNoContentResponse({ description: 'The session of this access token is revoked' })
  async logout(@CurrentPrincipal() principal: Principal): Promise<void> {
    await this.sessions.revoke(principal.sessionId);
  }
}
