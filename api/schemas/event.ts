/** Alert events with their delivery state per webhook (DESIGN.md §5 `GET /api/v1/events`). */
import { Type, type Static } from 'typebox';
import { DELIVERY_STATES } from '../../store/state/event-log-repo.ts';
import { WEBHOOK_EVENT_TYPES } from '../alerts/event-types.ts';
import { NullableNumber, NullableString, PageQuery } from './common.ts';

const NullableTime = Type.Union([Type.String({ format: 'date-time' }), Type.Null()]);

export const EventQuery = Type.Object({
  ...PageQuery.properties,
  type: Type.Optional(Type.Enum([...WEBHOOK_EVENT_TYPES])),
  ruleId: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
});
export type EventQuery = Static<typeof EventQuery>;

export const Delivery = Type.Object({
  webhookId: Type.String(),
  state: Type.Enum([...DELIVERY_STATES]),
  attempts: Type.Integer(),
  nextAttemptAt: NullableTime,
  lastAttemptAt: NullableTime,
  lastStatus: NullableNumber,
  lastError: NullableString,
  deliveredAt: NullableTime,
});

export const AlertEvent = Type.Object({
  id: Type.String({ description: 'also the webhook-id header of every attempt' }),
  type: Type.String(),
  ruleId: NullableString,
  subject: NullableString,
  occurredAt: Type.String({ format: 'date-time' }),
  createdAt: Type.String({ format: 'date-time' }),
  payload: Type.Unknown({ description: 'the body sent to webhooks: { type, timestamp, data }' }),
  deliveries: Type.Array(Delivery),
});

export const EventList = Type.Object({ events: Type.Array(AlertEvent), total: Type.Integer() });
