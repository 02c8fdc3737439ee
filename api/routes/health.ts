/**
 * Liveness and readiness for orchestrators. /healthz answers while the process can serve at all;
 * /readyz reports whether the parts it depends on (store, collector...) are usable right now, so a
 * load balancer can hold traffic back without the process being restarted.
 */
import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import type { Readiness } from '../deps.ts';

const ReadinessResponse = Type.Object({
  status: Type.Enum(['ready', 'not_ready']),
  checks: Type.Record(Type.String(), Type.Object({ ok: Type.Boolean(), detail: Type.Optional(Type.String()) })),
});

export const healthRoutes: FastifyPluginAsync<{ readiness: () => Readiness }> = async (app, { readiness }) => {
  app.get(
    '/healthz',
    { schema: { response: { 200: Type.Object({ status: Type.Literal('ok') }) } } },
    async () => ({ status: 'ok' as const }),
  );

  app.get('/readyz', { schema: { response: { 200: ReadinessResponse, 503: ReadinessResponse } } }, async (_request, reply) => {
    let state: Readiness;
    try {
      state = readiness();
    } catch (error) {
      // A check that throws is a failed check, not a 500: the answer must still say "not ready".
      state = { ready: false, checks: { readiness: { ok: false, detail: (error as Error).message } } };
    }
    reply.code(state.ready ? 200 : 503);
    return { status: state.ready ? 'ready' : 'not_ready', checks: state.checks };
  });
};
