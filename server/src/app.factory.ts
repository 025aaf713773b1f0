import { existsSync } from 'node:fs';
import { Logger, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppModule } from './app.module';
import type { AppConfig } from './config/config';
import { securityHeaders } from './common/security-headers';
import { createLogger, maskQuery, NestPinoLogger } from './logging/logger';
import { SessionsRepository } from './sessions/sessions.repository';
import { UsersService } from './users/users.service';

const HOUSEKEEPING_INTERVAL_MS = 60 * 60 * 1000;
/** Ended sessions stay a day (a revoked-for-reuse session is worth seeing) before they are deleted. */
const ENDED_SESSION_RETENTION_MS = 24 * 60 * 60 * 1000;

/**
 * Builds the whole application: fastify (measured several times faster than express
 * for the guarded path), validation, CORS, security headers, OpenAPI at /docs, the
 * demo web app at /, and the demo user. Does not listen.
 */
export async function createApp(config: AppConfig): Promise<NestFastifyApplication> {
  const logger = createLogger(config.logLevel);
  const adapter = new FastifyAdapter({
    bodyLimit: config.bodyLimit,
    trustProxy: config.trustProxy,
    logger: false,
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    logger: new NestPinoLogger(logger),
  });

  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      forbidUnknownValues: true,
      transform: true,
    }),
  );
  if (config.corsOrigins !== 'none') {
    app.enableCors({
      origin: config.corsOrigins === 'any' ? true : config.corsOrigins,
      methods: ['GET', 'POST', 'DELETE'],
      allowedHeaders: ['Authorization', 'Content-Type'],
      // A client on another origin tells an invalid token from other 401s by this header.
      exposedHeaders: ['WWW-Authenticate', 'Retry-After'],
      maxAge: 600,
    });
  }
  const fastify = app.getHttpAdapter().getInstance();
  const headers = securityHeaders({
    contentSecurityPolicy: {
      // Plain-http development and private deployments must keep loading the demo app's assets.
      directives: { upgradeInsecureRequests: null },
    },
  });
  fastify.addHook('onRequest', (_request, reply, done) => {
    void reply.headers(headers);
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

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Seamless')
      .setDescription(
        'Dual-token authentication: short-lived access tokens, rotating refresh tokens.',
      )
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document);

  if (existsSync(config.webDir)) {
    app.useStaticAssets({ root: config.webDir, prefix: '/', decorateReply: false });
  } else {
    Logger.warn(
      `no demo web app at ${config.webDir}: run npm run build to serve it at /`,
      'Bootstrap',
    );
  }

  await app.init();

  if (config.seedDemoUser && (await app.get(UsersService).seedDemoUser())) {
    Logger.log('seeded the demo user guang', 'Bootstrap');
  }
  const sessions = app.get(SessionsRepository);
  const housekeeping = setInterval(() => {
    sessions.deleteEndedBefore(Date.now() - ENDED_SESSION_RETENTION_MS).catch(() => undefined);
  }, HOUSEKEEPING_INTERVAL_MS);
  housekeeping.unref();
  fastify.addHook('onClose', (_instance, done) => {
    clearInterval(housekeeping);
    done();
  });
  return app;
}
