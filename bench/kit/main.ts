import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { KitAppModule } from './app.module';

/**
 * A plain resource service that trusts a Seamless server through @seamless/nest: NestJS on
 * fastify, like Seamless itself, with nothing else on the request path.
 */
async function bootstrap(): Promise<void> {
  const port = Number(process.env.PORT ?? '3001');
  const app = await NestFactory.create<NestFastifyApplication>(
    KitAppModule,
    new FastifyAdapter({ logger: false }),
    { logger: ['error', 'warn'] },
  );
  app.enableShutdownHooks();
  await app.listen({ port, host: '127.0.0.1' });
  console.log(`Kit service listening on http://127.0.0.1:${port}`);
}

bootstrap().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
