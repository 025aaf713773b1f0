import { Body, Controller, Get, HttpCode, Post, Query, Req } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { SessionsService } from '../sessions/sessions.service';
import { toPublicUser, type PublicUser } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import type { Principal } from './access-token.service';
import { AuthService } from './auth.service';
import { CurrentPrincipal } from './current-principal.decorator';
import { LoginDto, RegisterDto } from './dto/credentials.dto';
import { LogoutDto } from './dto/logout.dto';
import { RefreshDto } from './dto/refresh.dto';
import { PublicUserDto, TokenPairDto } from './dto/token-pair.dto';
import { Public } from './public.decorator';
import { RefreshTokenAccepted } from './refresh-token-accepted.decorator';
import type { AuthenticatedRequest } from './access-token.guard';

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
  @HttpCode(200)
  @ApiOkResponse({ type: TokenPairDto })
  @ApiUnauthorizedResponse({ description: 'Invalid username or password' })
  @ApiTooManyRequestsResponse({ description: 'Too many failed attempts; see Retry-After' })
  login(@Body() body: LoginDto, @Req() request: FastifyRequest): Promise<TokenPairDto> {
    return this.auth.login(body.username, body.password, {
      userAgent: request.headers['user-agent'],
      ip: request.ip,
    });
  }

  @Public()
  @Post('refresh')
  @HttpCode(200)
  @ApiOkResponse({ type: TokenPairDto })
  @ApiUnauthorizedResponse({ description: 'Invalid, expired, revoked or reused refresh token' })
  refresh(@Body() body: RefreshDto): Promise<TokenPairDto> {
    return this.auth.refresh(body.refresh_token);
  }

  /** The tutorial's route, kept for clients written against it; prefer POST (no token in URLs or logs). */
  @Public()
  @Get('refresh')
  @ApiOkResponse({ type: TokenPairDto })
  @ApiUnauthorizedResponse({ description: 'Invalid, expired, revoked or reused refresh token' })
  refreshByQuery(@Query() query: RefreshDto): Promise<TokenPairDto> {
    return this.auth.refresh(query.refresh_token);
  }

  @Public()
  @Post('register')
  @ApiCreatedResponse({ type: PublicUserDto })
  @ApiConflictResponse({ description: 'Username is already taken' })
  register(@Body() body: RegisterDto): Promise<PublicUser> {
    return this.users.register(body.username, body.password);
  }

  @Get('me')
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
