import { Controller, Get, Header } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { Public } from '../common/http/public.decorator';

/** The tutorial's two routes: one open, one behind the access token. */
@ApiTags('demo')
@Controller()
export class DemoController {
  @Public()
  @Get('aaa')
  @Header('Content-Type', 'text/plain; charset=utf-8')
  @ApiOkResponse({ description: 'aaa' })
  aaa(): string {
    return 'aaa';
  }

  @Get('bbb')
  @Header('Content-Type', 'text/plain; charset=utf-8')
  @ApiBearerAuth()
  @ApiOkResponse({ description: 'bbb' })
  @ApiUnauthorizedResponse({ description: 'Missing, invalid or expired access token' })
  bbb(): string {
    return 'bbb';
  }
}
