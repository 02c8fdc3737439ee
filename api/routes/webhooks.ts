/**
 * Webhook subscriptions (DESIGN.md §6). The URL passes the outbound guard before it is stored, and
 * the signing secret is generated here and returned once: GET never shows it again.
 */
import type { FastifyPluginAsync } from 'fastify';
import { SwarmscopeError } from '../../core/errors.ts';
import type { OutboundGuard } from '../../core/outbound-guard.ts';
import type { AlertingState } from '../../store/state/alerting-state.ts';
import type { WebhookEndpoint } from '../../store/state/webhook-endpoints-repo.ts';
import { isoOrNull } from '../iso-time.ts';
import { IdParams } from '../schemas/alert.ts';
import { ErrorResponse, PageQuery } from '../schemas/common.ts';
import { WebhookBody, WebhookCreated, WebhookList } from '../schemas/webhook.ts';
import { generateWebhookSecret } from '../webhooks/signature.ts';

export interface WebhookRoutesOptions {
  state: AlertingState;
  guard: OutboundGuard;
  now: () => number;
}

function webhookJson(endpoint: WebhookEndpoint) {
  return {
    id: endpoint.id,
    url: endpoint.url,
    events: endpoint.eventTypes,
    description: endpoint.description,
    createdAt: new Date(endpoint.createdAtMs).toISOString(),
    disabledAt: isoOrNull(endpoint.disabledAtMs),
    disabledReason: endpoint.disabledReason,
  };
}

export const webhookRoutes: FastifyPluginAsync<WebhookRoutesOptions> = async (app, { state, guard, now }) => {
  app.get<{ Querystring: PageQuery }>(
    '/webhooks',
    { schema: { querystring: PageQuery, response: { 200: WebhookList, '4xx': ErrorResponse } } },
    async (request) => {
      const page = state.endpoints.list(request.query);
      return { webhooks: page.endpoints.map(webhookJson), total: page.total };
    },
  );

  app.post<{ Body: WebhookBody }>(
    '/webhooks',
    { schema: { body: WebhookBody, response: { 201: WebhookCreated, '4xx': ErrorResponse } } },
    async (request, reply) => {
      const { url } = await guard.check(request.body.url);
      const endpoint = state.endpoints.create(
        { url: url.href, eventTypes: [...new Set(request.body.events ?? [])], secret: generateWebhookSecret(), description: request.body.description ?? null },
        now(),
      );
      reply.code(201).header('location', `${app.prefix}/webhooks/${endpoint.id}`);
      const { disabledAt: _disabledAt, disabledReason: _disabledReason, ...shown } = webhookJson(endpoint);
      return { ...shown, secret: endpoint.secret };
    },
  );

  app.delete<{ Params: IdParams }>(
    '/webhooks/:id',
    { schema: { params: IdParams, response: { '4xx': ErrorResponse } } },
    async (request, reply) => {
      if (!state.endpoints.remove(request.params.id, now())) throw new SwarmscopeError('not_found', `no webhook ${request.params.id}`);
      return reply.code(204).send();
    },
  );
};
