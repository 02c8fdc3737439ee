/**
 * `GET /api/v1/mirrors/:id/series` (DESIGN.md §5): the same query conventions as a torrent's series
 * (from, to, step, agg, format), over the `mirror` metrics. Answer:
 * `{ "mirror": "mir_…", "metric": "up", "step": 300, "agg": "avg", "points": [["2026-01-01T00:00:00.000Z", 1], …] }`.
 */
import { Type, type Static } from 'typebox';
import { MIRROR_METRICS } from '../../store/mirror-series.ts';
import { SeriesQuery, SeriesResponse } from './series.ts';

// Mirror checks have no sweep log (they have their own `up` series): no gaps, no methods record here.
const { methods: _methodsFlag, ...seriesQueryFields } = SeriesQuery.properties;
export const MirrorSeriesQuery = Type.Object({
  ...seriesQueryFields,
  metric: Type.Enum([...MIRROR_METRICS], { description: 'up (0/1; its avg is the availability), status, latency_ms, bytes, pieces_verified, pieces_failed' }),
});
export type MirrorSeriesQuery = Static<typeof MirrorSeriesQuery>;

// The torrent series' answer with `mirror` in place of `infohash`.
const { infohash: _infohash, gaps: _gaps, methods: _methods, ...seriesFields } = SeriesResponse.properties;
export const MirrorSeriesResponse = Type.Object({ mirror: Type.String(), ...seriesFields });
