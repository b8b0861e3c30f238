import fp from 'fastify-plugin';
import type { ApiDeps } from '../deps.js';

declare module 'fastify' {
  interface FastifyInstance {
    deps: ApiDeps;
  }
}

/** Makes the injected dependencies available to every route as `fastify.deps`. */
export const depsPlugin = fp<{ deps: ApiDeps }>(
  async (fastify, { deps }) => {
    fastify.decorate('deps', deps);
  },
  { name: 'deps' },
);
