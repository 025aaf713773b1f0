import {
  applyDecorators,
  BadRequestException,
  Body,
  Controller,
  Get,
  HttpCode,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthenticatedRequest } from '../access-tokens/access-token.guard';
import type { Principal } from '../access-tokens/access-token.service';
import { CurrentPrincipal } from '../access-tokens/current-principal.decorator';
import { RefreshTokenAccepted } from '../access-tokens/refresh-token-accepted.decorator';
import { Errors } from '../common/errors/domain-error';
import { clientAddress } from '../common/http/client-address';
import { NoStore } from '../common/http/no-store.decorator';
import { Public } from '../common/http/public.decorator';
import { ChangesState } from '../common/http/state-changing-get';
import { RequireLiveSession } from '../sessions/live-session.guard';
import { SessionsService, type ClientInfo } from '../sessions/sessions.service';
import { PublicUserDto } from '../users/dto/public-user.dto';
import { toPublicUser, type PublicUser } from '../users/user.entity';
import { AuthService, type IssuedPair } from './auth.service';
import { ChangePasswordDto, LoginDto, RegisterDto } from './dto/credentials.dto';
import { LogoutDto } from './dto/logout.dto';
import { RefreshDto } from './dto/refresh.dto';
import { TokenPairDto } from './dto/token-pair.dto';
import { inCookieMode, REFRESH_COOKIE, RefreshCookie, SESSION_HEADER } from './refresh-cookie';

const BUSY_DESCRIPTION =
  'Every password-hashing thread is taken for longer than LOGIN_QUEUE_TIMEOUT; see Retry-After';

const INVALID_REFRESH_DESCRIPTION =
  'Invalid, expired, revoked or reused refresh token (WWW-Authenticate: RefreshToken error="invalid_grant")';

const NO_BODY_TOKEN_IN_COOKIE_MODE = new BadRequestException(
  'In cookie mode the refresh token is the cookie: send none in the body',
);
const NO_REFRESH_TOKEN = new BadRequestException('refresh_token must be a string');

/** How /docs describes cookie mode on the three routes that take part in it. */
const CookieMode = (role: string) =>
  applyDecorators(
    ApiHeader({
      name: 'Seamless-Session',
      required: false,
      description: `\`cookie\`: cookie mode. ${role} Such a request needs a JSON body (\`{}\` at least) and an Origin that is this server's own or listed in REFRESH_COOKIE_ORIGINS, and is refused with Sec-Fetch-Site: cross-site unless REFRESH_COOKIE_SAME_SITE=None.`,
      schema: { type: 'string', enum: ['cookie'] },
    }),
    ApiForbiddenResponse({
      description:
        'Cookie mode from an origin that may not use the cookie (missing, null or unlisted Origin), or a cross-site request',
    }),
    ApiUnsupportedMediaTypeResponse({ description: 'The body is not application/json' }),
  );

const SET_COOKIE = {
  'Set-Cookie': {
    description: `Cookie mode only: ${REFRESH_COOKIE}=<refresh token>; Max-Age=<refresh_expires_in>; Path=/user; HttpOnly; Secure; SameSite=Strict (None, Partitioned when REFRESH_COOKIE_SAME_SITE=None)`,
    schema: { type: 'string' },
  },
};

/**
 * Logout takes a refresh token in place of an access token: one in the JSON body, or,
 * in cookie mode, the cookie that the Seamless-Session header points to.
 */
function offersRefreshToken(request: FastifyRequest): boolean {
  const body: unknown = request.body;
  return (
    (typeof body === 'object' && body !== null && 'refresh_token' in body) ||
    request.headers[SESSION_HEADER] !== undefined
  );
}

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
    private readonly cookie: RefreshCookie,
  ) {}

  /**
   * Cookie mode on refresh and logout: the request may use the cookie, carries no refresh
   * token in its body, and the cookie's token (undefined when there is none).
   */
  private cookieToken(
    request: FastifyRequest,
    body: { refresh_token?: string | undefined },
  ): string | undefined {
    this.cookie.check(request);
    if (body.refresh_token !== undefined) {
      throw NO_BODY_TOKEN_IN_COOKIE_MODE;
    }
    return this.cookie.read(request);
  }

  /** Cookie mode: the refresh token goes into the cookie, and out of the body. */
  private intoCookie(reply: FastifyReply, pair: IssuedPair): TokenPairDto {
    const { refresh_token: refreshToken, ...rest } = pair;
    this.cookie.set(reply, refreshToken, pair.refresh_expires_in);
    return rest;
  }

  @Public()
  @Post('login')
  @NoStore()
  @HttpCode(200)
  @ApiOkResponse({ type: TokenPairDto, headers: SET_COOKIE })
  @CookieMode(
    'Starts a session whose refresh token is set as an httpOnly cookie and left out of the answer; it is accepted only from that cookie.',
  )
  @ApiBadRequestResponse({ description: 'Malformed body, or a username registration refuses' })
  @ApiUnauthorizedResponse({
    description: 'Invalid username or password (WWW-Authenticate: Password)',
  })
  @ApiTooManyRequestsResponse({
    description:
      'Too many failed attempts for this username from this address (LOGIN_MAX_ATTEMPTS), or from this address across usernames (LOGIN_IP_MAX_ATTEMPTS); see Retry-After',
  })
  @ApiServiceUnavailableResponse({ description: BUSY_DESCRIPTION })
  async login(
    @Body() body: LoginDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TokenPairDto> {
    if (!inCookieMode(request)) {
      return this.auth.login(body.username, body.password, clientOf(request));
    }
    // Before the password is checked: a page that may not use the cookie learns nothing.
    this.cookie.check(request);
    const pair = await this.auth.login(body.username, body.password, clientOf(request), 'cookie');
    return this.intoCookie(reply, pair);
  }

  @Public()
  @Post('refresh')
  @NoStore()
  @HttpCode(200)
  @ApiOkResponse({ type: TokenPairDto, headers: SET_COOKIE })
  @CookieMode(
    'The refresh token is taken from the cookie, and the next one set there; none may be in the body.',
  )
  @ApiUnauthorizedResponse({ description: INVALID_REFRESH_DESCRIPTION })
  async refresh(
    @Body() body: RefreshDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TokenPairDto> {
    const ip = clientAddress(request.ip);
    if (!inCookieMode(request)) {
      if (body.refresh_token === undefined) {
        throw NO_REFRESH_TOKEN;
      }
      return this.auth.refresh(body.refresh_token, 'body', ip);
    }
    const token = this.cookieToken(request, body);
    if (token === undefined) {
      throw Errors.invalidRefreshToken;
    }
    return this.intoCookie(reply, await this.auth.refresh(token, 'cookie', ip));
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
    if (query.refresh_token === undefined) {
      throw NO_REFRESH_TOKEN;
    }
    // Never the cookie: a GET is what a link or an <img> on another site sends.
    return this.auth.refresh(query.refresh_token, 'body', clientAddress(request.ip));
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
   * refreshes just to sign out) with a refresh token of the session: in the body, or in
   * the cookie in cookie mode. The cookie, when sent, is cleared.
   */
  @RefreshTokenAccepted(offersRefreshToken)
  @Post('logout')
  @RequireLiveSession()
  @HttpCode(204)
  @ApiBearerAuth()
  @CookieMode('The session of the refresh token in the cookie ends, and the cookie is cleared.')
  @ApiNoContentResponse({
    description:
      'The session of this access token, or of this refresh token, is revoked (and the cookie cleared)',
    headers: SET_COOKIE,
  })
  @ApiUnauthorizedResponse({ description: 'No valid access token and no genuine refresh token' })
  async logout(
    @Req() request: AuthenticatedRequest,
    @Body() body: LogoutDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    if (request.principal) {
      if (this.cookie.read(request) !== undefined) {
        this.cookie.clear(reply);
      }
      await this.sessions.revoke(request.principal.sessionId);
      return;
    }
    if (!inCookieMode(request)) {
      if (body.refresh_token !== undefined) {
        await this.sessions.revokeByRefreshToken(body.refresh_token, 'body');
      }
      return;
    }
    const token = this.cookieToken(request, body);
    // Whatever becomes of the session, the person asked to be signed out here.
    this.cookie.clear(reply);
    if (token === undefined) {
      throw Errors.invalidRefreshToken;
    }
    await this.sessions.revokeByRefreshToken(token, 'cookie');
  }
}
