/**
 * The OpenAPI document (GET /docs/json) built by @fastify/swagger from the same TypeBox schemas
 * that validate requests, and Swagger UI at /docs, served from the package's own files so it
 * works offline. Registered before the routes: swagger collects them as they are added.
 */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';

export const DOCS_PREFIX = '/docs';

export async function registerOpenApi(app: FastifyInstance, version: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'swarmscope',
        version,
        description:
          'Swarm sizes of leaked and torrent-released AI model weights over time, alert rules and signed webhooks. ' +
          'Errors are `{ "error": { "code", "message" } }`. Writes need `Authorization: Bearer <token>`. ' +
          'Webhook payloads and signatures: see api/WEBHOOKS.md.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: DOCS_PREFIX, uiConfig: { docExpansion: 'list', deepLinking: true }, staticCSP: true });
}
