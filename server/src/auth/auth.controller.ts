import { Body, Controller, Get, HttpCode, Post, Query, Req } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { clientAddress } from '../common/client-address';
import { NoStore } from '../common/no-store.decorator';
import { ChangesState } from '../common/state-changing-get';
import { SessionsService, type ClientInfo } from '../sessions/sessions.service';
import { toPublicUser, type PublicUser } from '../users/user.entity';
import type { Principal } from './access-token.service';
import { AuthService } from './auth.service';
import { CurrentPrincipal } from './current-principal.decorator';
import { ChangePasswordDto, LoginDto, RegisterDto } from './dto/credentials.dto';
import { LogoutDto } from './dto/logout.dto';
import { RequireLiveSession } from './live-session.guard';
import { RefreshDto } from './dto/refresh.dto';
import { PublicUserDto, TokenPairDto } from './dto/token-pair.dto';
import { Public } from './public.decorator';
import { RefreshTokenAccepted } from './refresh-token-accepted.decorator';
import type { AuthenticatedRequest } from './access-token.guard';

const BUSY_DESCRIPTION =
  'Every password-hashing thread is taken for longer than LOGIN_QUEUE_TIMEOUT; see Retry-After';

const INVALID_REFRESH_DESCRIPTION =
  'Invalid, expired, revoked or reused refresh token (WWW-Authenticate: RefreshToken error="invalid_grant")';

/** Who is asking, as sessions record it and the limits count it. */
function clientOf(request: FastifyRequest): ClientInfo {
  return { userAgent: request.headers['user-agent'], ip: clientAddress(request.ip) };
}

@ApiTags('user')
@Controller('user')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly sessions: SessionsService,
  ) {}

  @Public()
  @Post('login')
  @NoStore()
  @HttpCode(200)
  @ApiOkResponse({ type: TokenPairDto })
  @ApiBadRequestResponse({ description: 'Malformed body, or a username registration refuses' })
  @ApiUnauthorizedResponse({
    description: 'Invalid username or password (WWW-Authenticate: Password)',
  })
  @ApiTooManyRequestsResponse({
    description:
      'Too many failed attempts for this username from this address (LOGIN_MAX_ATTEMPTS), or from this address across usernames (LOGIN_IP_MAX_ATTEMPTS); see Retry-After',
  })
  @ApiServiceUnavailableResponse({ description: BUSY_DESCRIPTION })
  login(@Body() body: LoginDto, @Req() request: FastifyRequest): Promise<TokenPairDto> {
    return this.auth.login(body.username, body.password, clientOf(request));
  }

  @Public()
  @Post('refresh')
  @NoStore()
  @HttpCode(200)
  @ApiOkResponse({ type: TokenPairDto })
  @ApiUnauthorizedResponse({ description: INVALID_REFRESH_DESCRIPTION })
  refresh(@Body() body: RefreshDto, @Req() request: FastifyRequest): Promise<TokenPairDto> {
    return this.auth.refresh(body.refresh_token, clientAddress(request.ip));
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
  @ApiUnauthorizedResponse({ description: INVALID_REFRESH_DESCRIPTION })
  refreshByQuery(
    @Query() query: RefreshDto,
    @Req() request: FastifyRequest,
  ): Promise<TokenPairDto> {
    return this.auth.refresh(query.refresh_token, clientAddress(request.ip));
  }

  @Public()
  @Post('register')
  @NoStore()
  @ApiCreatedResponse({ type: PublicUserDto })
  @ApiBadRequestResponse({ description: 'Malformed body; the message names the rule broken' })
  @ApiConflictResponse({ description: 'Username is already taken' })
  @ApiTooManyRequestsResponse({
    description: 'More than REGISTER_MAX_PER_IP registrations from this address in an hour',
  })
  @ApiServiceUnavailableResponse({ description: BUSY_DESCRIPTION })
  register(@Body() body: RegisterDto, @Req() request: FastifyRequest): Promise<PublicUser> {
    return this.auth.register(body.username, body.password, clientOf(request));
  }

  @Post('password')
  @RequireLiveSession()
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiNoContentResponse({
    description: 'Password changed; every other session of the user has ended',
  })
  @ApiBadRequestResponse({ description: 'The new password breaks a rule; the message names it' })
  @ApiUnauthorizedResponse({
    description:
      'No valid access token, or the current password is wrong (counted against the login limits)',
  })
  @ApiTooManyRequestsResponse({ description: 'The login limits are spent; see Retry-After' })
  @ApiServiceUnavailableResponse({ description: BUSY_DESCRIPTION })
  async changePassword(
    @CurrentPrincipal() principal: Principal,
    @Body() body: ChangePasswordDto,
    @Req() request: FastifyRequest,
  ): Promise<void> {
    await this.auth.changePassword(
      principal,
      body.current_password,
      body.new_password,
      clientOf(request),
    );
  }

  @Get('me')
  @NoStore()
  @ApiBearerAuth()
  @ApiOkResponse({ type: PublicUserDto })
  me(@CurrentPrincipal() principal: Principal): PublicUser {
    // From the token alone: no database on the guarded path.
    return toPublicUser({ id: principal.userId, username: principal.username });
  }

  /**
   * With a Bearer access token, or (so that a client whose access token has expired never
   * refreshes just to sign out) with a refresh token of the session in the body.
   */
  @RefreshTokenAccepted()
  @Post('logout')
  @RequireLiveSession()
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiNoContentResponse({
    description: 'The session of this access token, or of this refresh token, is revoked',
  })
  @ApiUnauthorizedResponse({ description: 'No valid access token and no genuine refresh token' })
  async logout(@Req() request: AuthenticatedRequest, @Body() body: LogoutDto): Promise<void> {
    if (request.principal) {
      await this.sessions.revoke(request.principal.sessionId);
    } else if (body.refresh_token !== undefined) {
      await this.sessions.revokeByRefreshToken(body.refresh_token);
    }
  }
}
