import { Controller, Get, Header, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../common/http/public.decorator';
import { RevokedSessionsDto, RevokedSessionsQuery } from './dto/revoked-sessions.dto';
import { RevocationSync, type RevokedSessions } from './revocation-sync';

/**
 * The feed that lets other services refuse ended sessions' tokens as this server
 * does: poll it about once a second with `since`, refuse tokens whose `sid` is listed.
 */
@ApiTags('revocation')
@Controller('.well-known')
export class RevokedSessionsController {
  constructor(private readonly sync: RevocationSync) {}

  @Public()
  @Get('revoked-sessions')
  @Header('Cache-Control', 'public, max-age=1')
  @ApiOkResponse({
    type: RevokedSessionsDto,
    description:
      'Sessions ended within the last ACCESS_TOKEN_TTL (and at or after `since`). Nothing else about a session is revealed.',
  })
  @ApiBadRequestResponse({ description: '`since` is not a whole non-negative number' })
  revoked(@Query() query: RevokedSessionsQuery): Promise<RevokedSessions> {
    return this.sync.revokedSince(query.since === undefined ? undefined : Number(query.since));
  }
}
