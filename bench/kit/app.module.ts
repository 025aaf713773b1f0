import { Controller, Get, Header, Module } from '@nestjs/common';
import { CurrentUser, Public, SeamlessModule, type Principal } from '@seamless/nest';

/** The tutorial's two routes again, this time in a service that only verifies tokens. */
@Controller()
class ResourceController {
  @Public()
  @Get('aaa')
  @Header('Content-Type', 'text/plain; charset=utf-8')
  aaa(): string {
    return 'aaa';
  }

  @Get('bbb')
  @Header('Content-Type', 'text/plain; charset=utf-8')
  bbb(): string {
    return 'bbb';
  }

  @Get('me')
  me(@CurrentUser() user: Principal): { id: number; username: string } {
    return { id: user.userId, username: user.username };
  }
}

@Module({
  imports: [
    SeamlessModule.forRoot({
      issuer: process.env.SEAMLESS_ISSUER ?? 'http://127.0.0.1:3000',
      audience: process.env.SEAMLESS_AUDIENCE ?? 'seamless',
    }),
  ],
  controllers: [ResourceController],
})
export class KitAppModule {}
