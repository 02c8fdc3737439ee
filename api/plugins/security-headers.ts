/**
 * Headers every answer carries (issue 14, SECURITY.md): no MIME sniffing, no referrer leaking a
 * torrent's URL to another site, no framing (clickjacking), no cross-origin embedding of answers.
 * Answers without their own Content-Security-Policy (the API's JSON, CSV and SVG) get the strictest
 * one: they are data, never a document that may load or run anything. The page sets its own
 * (api/routes/page.ts) and the OpenAPI UI its own, and those are kept.
 */
import type { FastifyInstance } from 'fastify';
import { rootPlugin } from './root-plugin.ts';

export const SECURITY_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};
export const DATA_CSP = "default-src 'none'; frame-ancestors 'none'; sandbox";

export default rootPlugin('swarmscope-security-headers', async (app: FastifyInstance) => {
  app.addHook('onSend', async (_request, reply, payload) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) if (!reply.hasHeader(name)) reply.header(name, value);
    if (!reply.hasHeader('content-security-policy')) reply.header('content-security-policy', DATA_CSP);
    return payload;
  });
});
