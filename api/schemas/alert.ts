/** Alert rule shapes (DESIGN.md §6). Which fields a kind needs is checked in api/alerts/rule-input.ts. */
import { Type, type Static } from 'typebox';
import { ALERT_KINDS, MIRROR_CHANGES, THRESHOLD_OPS } from '../../store/state/alert-rules-repo.ts';
import { SWARM_METRICS } from '../../store/types.ts';
import { NullableNumber, NullableString } from './common.ts';

export const AlertRuleBody = Type.Object(
  {
    kind: Type.Enum([...ALERT_KINDS], { description: 'threshold, growth, mirror (down/back/content changed/taken down), discovery, metadata' }),
    infohash: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: 'one watched torrent; every torrent when absent' })),
    familyId: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'threshold and growth: every torrent of this leak family (instead of one infohash)' })),
    metric: Type.Optional(Type.Enum([...SWARM_METRICS], { description: 'threshold and growth: the series, e.g. dht_peers' })),
    op: Type.Optional(Type.Enum([...THRESHOLD_OPS], { description: 'threshold: comparison, default >' })),
    value: Type.Optional(Type.Number({ description: 'threshold: the value to cross' })),
    window: Type.Optional(Type.String({ minLength: 1, maxLength: 32, description: 'growth: compare with the sample this long before, e.g. 24h' })),
    percent: Type.Optional(Type.Number({ description: 'growth: fire at this change in percent, e.g. 50 (or -30 for a drop)' })),
    hysteresis: Type.Optional(
      Type.Number({ minimum: 0, description: 're-arm band: metric units (threshold) or percentage points (growth); default 5% of the limit' }),
    ),
    mirrorId: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'mirror: one mirror; all when absent' })),
    changes: Type.Optional(Type.Array(Type.Enum([...MIRROR_CHANGES]), { minItems: 1, maxItems: MIRROR_CHANGES.length, description: 'mirror: which changes fire; all when absent' })),
    label: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  {
    additionalProperties: false,
    examples: [
      { kind: 'threshold', metric: 'dht_peers', op: '>', value: 100 },
      { kind: 'growth', metric: 'dht_peers', window: '24h', percent: 50 },
      { kind: 'mirror', changes: ['down', 'back'] },
    ],
  },
);
export type AlertRuleBody = Static<typeof AlertRuleBody>;

export const AlertRule = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  infohash: NullableString,
  familyId: NullableString,
  metric: NullableString,
  op: NullableString,
  value: NullableNumber,
  window: NullableString,
  percent: NullableNumber,
  hysteresis: NullableNumber,
  mirrorId: NullableString,
  changes: Type.Array(Type.String()),
  label: NullableString,
  createdAt: Type.String({ format: 'date-time' }),
});

export const AlertRuleList = Type.Object({ alerts: Type.Array(AlertRule), total: Type.Integer() });

export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });
export type IdParams = Static<typeof IdParams>;
