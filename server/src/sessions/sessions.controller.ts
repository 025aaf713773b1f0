import { Controller, Delete, Get, HttpCode, Ip, Param } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Principal } from '../access-tokens/access-token.service';
import { CurrentPrincipal } from '../access-tokens/current-principal.decorator';
import { NoStore } from '../common/http/no-store.decorator';
import { SecurityEvents, type SecurityActor } from '../logging/security-events';
import { SessionDto } from './dto/session.dto';
import { RequireLiveSession } from './live-session.guard';
import { SessionsService, type SessionView } from './sessions.service';

@ApiTags('sessions')
@ApiBearerAuth()
@RequireLiveSession()
@Controller('user/sessions')
export class SessionsController {
  constructor(
    private readonly sessions: SessionsService,
    private readonly events: SecurityEvents,
  ) {}

  @Get()
  @NoStore()
  @ApiOkResponse({ type: [SessionDto] })
  list(@CurrentPrincipal() principal: Principal): Promise<SessionView[]> {
    return this.sessions.list(principal.userId, principal.sessionId);
  }

  @Delete()
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Every session of the user is revoked' })
  async revokeAll(@CurrentPrincipal() principal: Principal, @Ip() ip: string): Promise<void> {
    await this.sessions.revokeAll(principal.userId);
    this.events.sessionRevoked(actorOf(principal, ip), null);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'The session is revoked' })
  @ApiNotFoundResponse({ description: 'No session of this user has this id' })
  async revoke(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Ip() ip: string,
  ): Promise<void> {
    const sessionId = id.slice(0, 64);
    await this.sessions.revokeOwned(sessionId, principal.userId);
    this.events.sessionRevoked(actorOf(principal, ip), sessionId);
  }
}

function actorOf(principal: Principal, ip: string): SecurityActor {
  return { userId: principal.userId, sessionId: principal.sessionId, ip };
}
