import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyInstance, HTTPMethods } from 'fastify';

const CHANGES_STATE = 'seamlessChangesState';
const METHODS: HTTPMethods[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** Marks a GET route that changes state (the tutorial's refresh), so that HEAD never runs it. */
export const ChangesState = () => RouteConfig({ [CHANGES_STATE]: true });

/**
 * Fastify answers HEAD for every GET route by running the GET handler. For a route
 * marked {@link ChangesState}, HEAD answers 405 with `Allow` instead: a link prefetcher,
 * a crawler or a monitor must never rotate a refresh token (and, the next time its
 * owner uses it, get the session revoked as stolen). Register before the routes.
 */
export function refuseHeadOnStateChangingRoutes(fastify: FastifyInstance): void {
  fastify.addHook('onRoute', (route) => {
    const config = route.config as Record<string, unknown> | undefined;
    if (route.method !== 'HEAD' || config?.[CHANGES_STATE] !== true) {
      return;
    }
    let allow: string | undefined;
    route.handler = (_request, reply) => {
      allow ??= METHODS.filter((method) => fastify.hasRoute({ method, url: route.url })).join(', ');
      void reply.code(405).header('Allow', allow).send();
    };
  });
}
