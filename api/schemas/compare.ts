/** `GET /api/v1/compare`: one metric of several torrents on one time axis. */
import { Type, type Static } from 'typebox';
import { NullableNumber, NullableString } from './common.ts';
import { SeriesQuery } from './series.ts';

export const MAX_COMPARED_TORRENTS = 20;

export const CompareQuery = Type.Object({
  ...SeriesQuery.properties,
  infohash: Type.Array(Type.String({ minLength: 1, maxLength: 128 }), {
    minItems: 1,
    maxItems: MAX_COMPARED_TORRENTS,
    description: 'repeat the parameter: infohash=a&infohash=b',
  }),
});
export type CompareQuery = Static<typeof CompareQuery>;

export const CompareResponse = Type.Object({
  metric: Type.String(),
  step: Type.Number({ description: 'bucket width in seconds; 0 = raw samples' }),
  agg: Type.String(),
  torrents: Type.Array(Type.Object({ infohash: Type.String(), label: NullableString })),
  points: Type.Array(Type.Array(Type.Union([Type.String(), NullableNumber])), {
    description: '[time, value of torrents[0], value of torrents[1], ...]; null where a torrent has no point',
  }),
});
