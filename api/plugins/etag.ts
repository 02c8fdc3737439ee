/**
 * Conditional GETs for routes that opt in with `config: { etag: true }`: the ETag is a hash of the
 * body, so it changes exactly when the answer does, and a dashboard polling an unchanged series gets
 * a bodiless 304. `Cache-Control: no-cache` lets caches keep the body but makes them revalidate.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { rootPlugin } from './root-plugin.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    etag?: boolean;
  }
}

export function bodyEtag(payload: string | Buffer): string {
  return `"${createHash('sha256').update(payload).digest('base64url').slice(0, 32)}"`;
}

/** If-None-Match holds one or more tags, possibly weak (W/"..."), or `*`; GETs compare weakly (RFC 9110 §13.1.2). */
export function ifNoneMatchHits(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((candidate) => {
    const tag = candidate.trim().replace(/^W\//, '');
    return tag === '*' || tag === etag;
  });
}

export default rootPlugin('swarmscope-etag', async (app: FastifyInstance) => {
  app.addHook('onSend', async (request, reply, payload) => {
    if (!reply.routeOptions.config.etag || reply.statusCode !== 200) return payload;
    if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) return payload;
    const etag = bodyEtag(payload);
    reply.header('etag', etag);
    reply.header('cache-control', 'no-cache');
    if (!ifNoneMatchHits(request.headers['if-none-match'], etag)) return payload;
    reply.code(304);
    reply.removeHeader('content-type');
    return '';
  });
});
