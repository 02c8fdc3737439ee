/** The series route's query and answer (DESIGN.md §5). */
import { Type, type Static } from 'typebox';
import { AGGREGATIONS, SWARM_METRICS } from '../../store/types.ts';
import { GapSchema, MethodsRecordSchema } from './methods.ts';

export const SERIES_FORMATS = ['json', 'csv'] as const;

/** `type: [number, null]` rather than anyOf: fast-json-stringify cannot serialize anyOf inside a tuple. */
const NumberOrNull = Type.Unsafe<number | null>({ type: ['number', 'null'] });

export const SeriesQuery = Type.Object({
  metric: Type.Enum([...SWARM_METRICS], { description: 'a series name, e.g. dht_peers' }),
  from: Type.Optional(Type.String({ description: 'ISO 8601, "now", relative (-24h) or epoch ms; default now-24h' })),
  to: Type.Optional(Type.String({ description: 'same forms as from; default now' })),
  step: Type.Optional(
    Type.String({ description: 'bucket width: 15m, 1h, 300s or seconds; 0 = raw samples; default gives at most ~500 points' }),
  ),
  agg: Type.Enum([...AGGREGATIONS], { default: 'avg', description: 'how samples in a bucket combine; ignored when step is 0' }),
  format: Type.Enum([...SERIES_FORMATS], { default: 'json' }),
  methods: Type.Optional(Type.Boolean({ description: 'JSON: also carry the methods record of the range (CSV always does, as # lines)' })),
});
export type SeriesQuery = Static<typeof SeriesQuery>;

export const SeriesResponse = Type.Object({
  infohash: Type.String(),
  metric: Type.String(),
  step: Type.Number({ description: 'bucket width in seconds; 0 = raw samples' }),
  agg: Type.String(),
  points: Type.Array(Type.Tuple([Type.String({ format: 'date-time' }), NumberOrNull]), {
    description: '[bucket start, value]; buckets with no measured sample are left out; null marks a gap (no measurement), where a line breaks',
  }),
  gaps: Type.Optional(Type.Array(GapSchema, { description: 'spans with no measurement, and why (METHODS.md, "Gaps")' })),
  methods: Type.Optional(MethodsRecordSchema),
});
