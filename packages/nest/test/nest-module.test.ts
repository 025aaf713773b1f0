import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Controller, Get, Module, UseGuards, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import {
  CurrentUser,
  Public,
  SEAMLESS_AUTH,
  SeamlessGuard,
  SeamlessModule,
  type Principal,
  type SeamlessAuth,
} from '../src';
import { eventually, freePort, newKey, StubIssuer } from './support/stub-issuer';

const audience = 'orders';

@Controller()
class OrdersController {
  @Public()
  @Get('health')
  health(): string {
    return 'ok';
  }

  @Get('me')
  me(@CurrentUser() user: Principal): Principal {
    return user;
  }
}

@Public()
@Controller('open')
class OpenController {
  @Get()
  open(): string {
    return 'open';
  }
}

@Controller('manual')
class ManualController {
  @Get('free')
  free(): string {
    return 'free';
  }

  @UseGuards(SeamlessGuard)
  @Get('guarded')
  guarded(@CurrentUser() user: Principal): string {
    return user.username;
  }
}

async function get(base: string, path: string, token?: string) {
  const response = await fetch(`${base}${path}`, {
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
  });
  const text = await response.text();
  return { status: response.status, www: response.headers.get('www-authenticate'), text };
}

for (const platform of ['fastify', 'express'] as const) {
  describe(`SeamlessModule on ${platform}`, () => {
    let issuer: StubIssuer;
    let app: INestApplication;
    let base: string;

    before(async () => {
      issuer = new StubIssuer(await freePort());
      issuer.keys = [newKey('k1')];
      await issuer.listen();

      @Module({
        imports: [
          SeamlessModule.forRootAsync({
            useFactory: () => ({
              issuer: issuer.url,
              audience,
              revocationIntervalMs: 100,
              logger: { log: () => {}, warn: () => {} },
            }),
          }),
        ],
        controllers: [OrdersController, OpenController],
      })
      class AppModule {}

      app = await NestFactory.create(
        AppModule,
        platform === 'fastify' ? new FastifyAdapter() : new ExpressAdapter(),
        { logger: false },
      );
      await app.listen(0, '127.0.0.1');
      base = await app.getUrl();
      base = base.replace('[::1]', '127.0.0.1');
      await app.get<SeamlessAuth>(SEAMLESS_AUTH).keys.whenReady();
    });

    after(async () => {
      await app?.close();
      await issuer?.close();
    });

    it('guards every route unless it is @Public(), and gives @CurrentUser()', async () => {
      const token = await issuer.token(audience);
      const me = await get(base, '/me', token);
      assert.equal(me.status, 200);
      const user = JSON.parse(me.text) as Principal;
      assert.equal(user.userId, 7);
      assert.equal(user.username, 'guang');
      assert.equal(typeof user.sessionId, 'string');
      assert.equal((await get(base, '/health')).status, 200);
      assert.equal((await get(base, '/open')).status, 200, '@Public() on a controller');
    });

    it('answers 401 with the WWW-Authenticate and body of the Seamless server', async () => {
      const missing = await get(base, '/me');
      assert.equal(missing.status, 401);
      assert.equal(missing.www, 'Bearer');
      assert.deepEqual(JSON.parse(missing.text), {
        statusCode: 401,
        message: 'Missing access token',
        error: 'Unauthorized',
      });
      const invalid = await get(base, '/me', await issuer.token('billing'));
      assert.equal(invalid.status, 401);
      assert.equal(invalid.www, 'Bearer error="invalid_token"');
      assert.deepEqual(JSON.parse(invalid.text), {
        statusCode: 401,
        message: 'Invalid or expired access token',
        error: 'Unauthorized',
      });
    });

    it('refuses a token once the feed lists its session', async () => {
      const token = await issuer.token(audience, { sid: `ended-${platform}` });
      assert.equal((await get(base, '/me', token)).status, 200);
      issuer.revoked = [`ended-${platform}`];
      await eventually(
        async () => (await get(base, '/me', token)).status === 401,
        'the revoked session to be refused',
      );
      assert.equal((await get(base, '/me', await issuer.token(audience))).status, 200);
    });
  });
}

describe('SeamlessModule without the global guard', () => {
  let issuer: StubIssuer;
  let app: INestApplication;
  let base: string;

  before(async () => {
    issuer = new StubIssuer(await freePort());
    issuer.keys = [newKey('k1')];
    await issuer.listen();

    @Module({
      imports: [
        SeamlessModule.forRoot({
          issuer: issuer.url,
          audience,
          revokedSessionsUrl: false,
          globalGuard: false,
          logger: { log: () => {}, warn: () => {} },
        }),
      ],
      controllers: [ManualController],
    })
    class AppModule {}

    app = await NestFactory.create(AppModule, new FastifyAdapter(), { logger: false });
    await app.listen(0, '127.0.0.1');
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  });

  after(async () => {
    await app?.close();
    await issuer?.close();
  });

  it('guards only the routes that ask for SeamlessGuard', async () => {
    assert.equal((await get(base, '/manual/free')).status, 200);
    assert.equal((await get(base, '/manual/guarded')).status, 401);
    const guarded = await get(base, '/manual/guarded', await issuer.token(audience));
    assert.equal(guarded.status, 200);
    assert.equal(guarded.text, 'guang');
    assert.equal(issuer.count('/.well-known/revoked-sessions'), 0, 'revocation turned off');
  });
});
