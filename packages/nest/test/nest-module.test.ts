import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { answerOf, freePort, waitFor, type Answer } from '@seamless/testing';
import {
  Controller,
  Get,
  Module,
  UseGuards,
  type INestApplication,
  type Type,
} from '@nestjs/common';
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
import { newKey, StubIssuer } from './support/stub-issuer';

const audience = 'orders';
/** The feed is polled every 100 ms here; waiting is ordering, not a timed assertion. */
const PATIENCE_MS = 30_000;

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

const get = (base: string, path: string, token?: string): Promise<Answer> =>
  answerOf(`${base}${path}`, { token });

interface Running {
  readonly issuer: StubIssuer;
  readonly app: INestApplication;
  /** The app's loopback URL. */
  readonly base: string;
}

/**
 * Before the enclosing block's tests: a stub issuer with one key, and the app of the
 * module that `moduleFor` makes around it, on `platform`; after them, both closed.
 */
function appForBlock(
  platform: 'fastify' | 'express',
  moduleFor: (issuerUrl: string) => Type,
): Running {
  let issuer: StubIssuer | undefined;
  let app: INestApplication | undefined;
  let base = '';
  before(async () => {
    issuer = new StubIssuer(await freePort());
    issuer.keys = [newKey('k1')];
    await issuer.listen();
    app = await NestFactory.create(
      moduleFor(issuer.url),
      platform === 'fastify' ? new FastifyAdapter() : new ExpressAdapter(),
      { logger: false },
    );
    await app.listen(0, '127.0.0.1');
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  });
  after(async () => {
    await app?.close();
    await issuer?.close();
  });
  return {
    get issuer() {
      return started(issuer);
    },
    get app() {
      return started(app);
    },
    get base() {
      return started(app) && base;
    },
  };
}

function started<T>(value: T | undefined): T {
  if (value === undefined) {
    throw new Error("the app starts in the block's before hook");
  }
  return value;
}

for (const platform of ['fastify', 'express'] as const) {
  describe(`SeamlessModule on ${platform}`, () => {
    const running = appForBlock(platform, (issuerUrl) => {
      @Module({
        imports: [
          SeamlessModule.forRootAsync({
            useFactory: () => ({
              issuer: issuerUrl,
              audience,
              revocationIntervalMs: 100,
              logger: { log: () => {}, warn: () => {} },
            }),
          }),
        ],
        controllers: [OrdersController, OpenController],
      })
      class AppModule {}
      return AppModule;
    });
    before(() => running.app.get<SeamlessAuth>(SEAMLESS_AUTH).keys.whenReady());

    it('guards every route unless it is @Public(), and gives @CurrentUser()', async () => {
      const { issuer, base } = running;
      const token = await issuer.token(audience);
      const me = await get(base, '/me', token);
      assert.equal(me.status, 200);
      const user = me.body as Principal;
      assert.equal(user.userId, 7);
      assert.equal(user.username, 'guang');
      assert.equal(typeof user.sessionId, 'string');
      assert.equal((await get(base, '/health')).status, 200);
      assert.equal((await get(base, '/open')).status, 200, '@Public() on a controller');
    });

    it('answers 401 with the WWW-Authenticate and body of the Seamless server', async () => {
      const { issuer, base } = running;
      assert.deepEqual(await get(base, '/me'), {
        status: 401,
        wwwAuthenticate: 'Bearer',
        body: { statusCode: 401, message: 'Missing access token', error: 'Unauthorized' },
      });
      assert.deepEqual(await get(base, '/me', await issuer.token('billing')), {
        status: 401,
        wwwAuthenticate: 'Bearer error="invalid_token"',
        body: {
          statusCode: 401,
          message: 'Invalid or expired access token',
          error: 'Unauthorized',
        },
      });
    });

    it('answers two Authorization headers with 400 invalid_request, as the server does', async () => {
      const { issuer, base } = running;
      const valid = await issuer.token(audience);
      const twice = await answerOf(`${base}/me`, {
        authorization: [`Bearer ${valid}`, `Bearer ${valid}`],
      });
      assert.equal(twice.status, 400);
      assert.equal(twice.wwwAuthenticate, 'Bearer error="invalid_request"');
      const message = 'Send one Authorization header, not several';
      assert.deepEqual(twice.body, { statusCode: 400, message, error: 'Bad Request' });
      assert.equal((await get(base, '/me', valid)).status, 200, 'one header with it passes');
    });

    it('refuses a token once the feed lists its session', async () => {
      const { issuer, base } = running;
      const token = await issuer.token(audience, { sid: `ended-${platform}` });
      assert.equal((await get(base, '/me', token)).status, 200);
      issuer.revoked = [`ended-${platform}`];
      await waitFor(
        'the revoked session to be refused',
        async () => (await get(base, '/me', token)).status === 401,
        PATIENCE_MS,
      );
      assert.equal((await get(base, '/me', await issuer.token(audience))).status, 200);
    });
  });
}

describe('SeamlessModule without the global guard', () => {
  const running = appForBlock('fastify', (issuerUrl) => {
    @Module({
      imports: [
        SeamlessModule.forRoot({
          issuer: issuerUrl,
          audience,
          revokedSessionsUrl: false,
          globalGuard: false,
          logger: { log: () => {}, warn: () => {} },
        }),
      ],
      controllers: [ManualController],
    })
    class AppModule {}
    return AppModule;
  });

  it('guards only the routes that ask for SeamlessGuard', async () => {
    const { issuer, base } = running;
    assert.equal((await get(base, '/manual/free')).status, 200);
    assert.equal((await get(base, '/manual/guarded')).status, 401);
    const guarded = await get(base, '/manual/guarded', await issuer.token(audience));
    assert.equal(guarded.status, 200);
    assert.equal(guarded.body, 'guang');
    assert.equal(issuer.count('/.well-known/revoked-sessions'), 0, 'revocation turned off');
  });
});
