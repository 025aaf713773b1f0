import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../common/http/public.decorator';
import { KeysService } from './keys.service';

@ApiTags('keys')
@Controller('.well-known')
export class KeysController {
  constructor(private readonly keys: KeysService) {}

  @Public()
  @Get('jwks.json')
  @Header('Cache-Control', 'public, max-age=300')
  @ApiOkResponse({ description: 'The public keys that verify access tokens (RFC 7517 JWK set).' })
  jwks() {
    return this.keys.jwks();
  }
}
