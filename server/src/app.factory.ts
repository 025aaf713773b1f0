import { existsSync } from 'node:fs';
import { Logger, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { hasRepeatedAuthorization } from '@seamless/nest/core';
import { AppModule } from './app.module';
import { RefreshCookie } from './auth/refresh-cookie';
import { Errors } from './common/errors/domain-error';
import { acceptJsonBodiesOnly } from './common/http/json-body';
import { securityHeaders } from './common/http/security-headers';
import { refuseHeadOnStateChangingRoutes } from './common/http/state-changing-get';
import type { AppConfig } from './config/config';
import { createLogger, maskQuery, NestPinoLogger } from './logging/logger';

/**
 * CORS: CORS_ORIGINS may call the API with a Bearer token (no credentials). Only the
 * origins of REFRESH_COOKIE_ORIGINS may send credentials and the cookie-mode header, so
 * that "any origin outside production" never means "any origin may use the cookie".
 */
function enableCors(app: NestFastifyApplication, config: AppConfig): void {
  const bearer = {
    origin:
      config.corsOrigins === 'any'
        ? true
        : config.corsOrigins === 'none'
          ? false
          : config.corsOrigins,
    methods: ['GET', 'POST', 'DELETE'],
    allowedHeaders: ['Authorization', 'Content-Type'],
    // A client on another origin tells an invalid token from other 401s by this header.
    exposedHeaders: ['WWW-Authenticate', 'Retry-After'],
    maxAge: 600,
  };
  if (config.refreshCookie.origins.length === 0) {
    if (config.corsOrigins !== 'none') {
      app.enableCors(bearer);
    }
    return;
  }
  const cookie = app.get(RefreshCookie);
  const withCookie = {
    ...bearer,
    origin: true,
    credentials: true,
    allowedHeaders: [...bearer.allowedHeaders, 'Seamless-Session'],
  };
  app.enableCors({
    delegator: (request, callback) => {
      const origin = request.headers.origin;
      callback(null, origin !== undefined && cookie.lists(origin) ? withCookie : bearer);
    },
  });
}

/**
 * Builds the whole application: fastify (measured several times faster than express
 * for the guarded path), validation, CORS, security headers, OpenAPI at /docs (when
 * DOCS is on) and the demo web app at /. Does not listen.
 */
export async function createApp(config: AppConfig): Promise<NestFastifyApplication> {
  const logger = createLogger(config.logLevel);
  const adapter = new FastifyAdapter({
    bodyLimit: config.bodyLimit,
    trustProxy: config.trustProxy,
    logger: false,
  });
  const appModule = AppModule.forRoot(config, logger);
  const app = await NestFactory.create<NestFastifyApplication>(appModule, adapter, {
    logger: new NestPinoLogger(logger),
    bodyParser: false,
  });
  acceptJsonBodiesOnly(app.getHttpAdapter().getInstance());
  refuseHeadOnStateChangingRoutes(app.getHttpAdapter().getInstance());

  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      forbidUnknownValues: true,
      transform: true,
    }),
  );
  enableCors(app, config);
  const fastify = app.getHttpAdapter().getInstance();
  const headers = securityHeaders({
    contentSecurityPolicy: {
      // Plain-http development and private deployments must keep loading the demo app's assets.
      directives: { upgradeInsecureRequests: null },
    },
  });
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.headers(headers);
    if (request.headers.authorization !== undefined && hasRepeatedAuthorization(request.raw)) {
      done(Errors.repeatedAuthorization);
      return;
    }
    done();
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    logger.info(
      {
        method: request.method,
        url: maskQuery(request.url),
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
      },
      'request',
    );
    done();
  });

  if (config.docs) {
    const document = SwaggerModule.createDocument(
      app,
      new DocumentBuilder()
        .setTitle('Seamless')
        .setDescription(
          'Dual-token authentication: short-lived access tokens, rotating refresh tokens. ' +
            'Request bodies are application/json (UTF-8) only: anything else is 415, and JSON ' +
            'nested deeper than 32 levels is 400. Answers with tokens or account data are ' +
            'Cache-Control: no-store. Every 401 carries WWW-Authenticate; two Authorization ' +
            'headers are 400 (Bearer error="invalid_request"). HEAD never changes state. ' +
            'Cookie mode (header Seamless-Session: cookie at login, refresh and logout) keeps ' +
            'the refresh token of a browser session in an httpOnly cookie and out of every body.',
        )
        .addBearerAuth()
        .build(),
    );
    SwaggerModule.setup('docs', app, document);
  }

  if (existsSync(config.webDir)) {
    app.useStaticAssets({ root: config.webDir, prefix: '/', decorateReply: false });
  } else {
    Logger.warn(
      `no demo web app at ${config.webDir}: run npm run build to serve it at /`,
      'Bootstrap',
    );
  }

  // Runs the modules' start-up: migrations, the list of ended sessions, the demo user.
  await app.init();
  return app;
}
