/** Webhook subscription shapes (DESIGN.md §6). The secret appears in the creation answer only. */
import { Type, type Static } from 'typebox';
import { WEBHOOK_EVENT_TYPES } from '../alerts/event-types.ts';
import { NullableString } from './common.ts';

export const WebhookBody = Type.Object(
  {
    url: Type.String({ minLength: 1, maxLength: 2048, description: 'http(s) URL of the receiver; must resolve to a public address' }),
    events: Type.Optional(
      Type.Array(Type.Enum([...WEBHOOK_EVENT_TYPES]), { maxItems: WEBHOOK_EVENT_TYPES.length, description: 'event types to receive; all when absent or empty' }),
    ),
    description: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false, examples: [{ url: 'https://example.org/swarmscope-hook', events: ['swarm.threshold_crossed'] }] },
);
export type WebhookBody = Static<typeof WebhookBody>;

const WebhookCore = {
  id: Type.String(),
  url: Type.String(),
  events: Type.Array(Type.String(), { description: 'empty = every event type' }),
  description: NullableString,
  createdAt: Type.String({ format: 'date-time' }),
};

export const WebhookCreated = Type.Object({
  ...WebhookCore,
  secret: Type.String({ description: 'whsec_…: the signing secret, shown this once; keep it' }),
});

export const Webhook = Type.Object({
  ...WebhookCore,
  disabledAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  disabledReason: NullableString,
});

export const WebhookList = Type.Object({ webhooks: Type.Array(Webhook), total: Type.Integer() });
