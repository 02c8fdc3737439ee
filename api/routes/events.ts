/** Alert events, newest first, each with its delivery state per webhook (DESIGN.md §5). */
import type { FastifyPluginAsync } from 'fastify';
import type { AlertingState } from '../../store/state/alerting-state.ts';
import type { AlertEventView, DeliveryView } from '../../store/state/event-log-repo.ts';
import { isoOrNull } from '../iso-time.ts';
import { ErrorResponse } from '../schemas/common.ts';
import { EventList, EventQuery } from '../schemas/event.ts';

function deliveryJson(delivery: DeliveryView) {
  return {
    webhookId: delivery.endpointId,
    state: delivery.state,
    attempts: delivery.attempts,
    nextAttemptAt: isoOrNull(delivery.nextAttemptAtMs),
    lastAttemptAt: isoOrNull(delivery.lastAttemptAtMs),
    lastStatus: delivery.lastStatus,
    lastError: delivery.lastError,
    deliveredAt: isoOrNull(delivery.deliveredAtMs),
  };
}

function eventJson(event: AlertEventView) {
  return {
    id: event.id,
    type: event.type,
    ruleId: event.ruleId,
    subject: event.subject,
    occurredAt: new Date(event.occurredAtMs).toISOString(),
    createdAt: new Date(event.createdAtMs).toISOString(),
    payload: event.payload,
    deliveries: event.deliveries.map(deliveryJson),
  };
}

export const eventRoutes: FastifyPluginAsync<{ state: AlertingState }> = async (app, { state }) => {
  app.get<{ Querystring: EventQuery }>(
    '/events',
    { schema: { querystring: EventQuery, response: { 200: EventList, '4xx': ErrorResponse } } },
    async (request) => {
      const { offset, limit, type, ruleId } = request.query;
      const page = state.events.list({ type, ruleId }, { offset, limit });
      return { events: page.events.map(eventJson), total: page.total };
    },
  );
};
