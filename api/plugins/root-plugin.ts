/**
 * Marks a plugin as applying to the instance that registers it, not to a child context: what the
 * `fastify-plugin` package does, without the dependency. The error handler, the validator and the
 * auth hook must cover every route, so they cannot be encapsulated.
 */
import type { FastifyPluginAsync } from 'fastify';

export function rootPlugin<Options extends Record<string, unknown>>(
  name: string,
  plugin: FastifyPluginAsync<Options>,
): FastifyPluginAsync<Options> {
  const marked = plugin as FastifyPluginAsync<Options> & Record<symbol, unknown>;
  marked[Symbol.for('skip-override')] = true;
  marked[Symbol.for('fastify.display-name')] = name;
  return marked;
}
