/** Discoveries: torrents found on the DHT that look like model weights (DESIGN.md §5 `GET /api/v1/discoveries`). */
import { Type, type Static } from 'typebox';
import { NullableString, PageQuery } from './common.ts';

export const DiscoveryQuery = Type.Object({
  ...PageQuery.properties,
  minScore: Type.Optional(Type.Number({ minimum: 0, maximum: 1, description: 'only discoveries scoring at least this' })),
  since: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'only those first seen at or after this time (ISO 8601, -7d, now, epoch ms)' })),
});
export type DiscoveryQuery = Static<typeof DiscoveryQuery>;

export const DiscoveryJson = Type.Object({
  infohash: Type.String(),
  name: Type.String(),
  size: Type.Integer({ description: 'bytes' }),
  score: Type.Number({ minimum: 0, maximum: 1, description: 'the classifier\'s score' }),
  reasons: Type.Array(Type.String(), { description: 'what produced the score, one contribution each' }),
  firstSeenAt: Type.String({ format: 'date-time' }),
  discoveredAt: Type.String({ format: 'date-time', description: 'when its metadata was verified and judged' }),
  foundBy: Type.Enum(['sample', 'passive'], { description: 'sample: a BEP 51 sample_infohashes reply; passive: another node asked our node about it' }),
  modelFamily: NullableString,
  quantisation: NullableString,
  files: Type.Object({
    count: Type.Integer(),
    largest: Type.Array(Type.Object({ path: Type.String(), length: Type.Integer() })),
    extensions: Type.Record(Type.String(), Type.Integer()),
  }),
  watched: Type.Boolean({ description: 'on the watchlist (auto-watch or by hand)' }),
  suggestedFamily: Type.Optional(
    Type.Object({
      id: Type.String(),
      name: Type.Optional(Type.String()),
      evidence: Type.Array(Type.Unknown(), { description: 'the files this torrent shares with a member of the family' }),
    }),
  ),
});

export const DiscoveryList = Type.Object({ discoveries: Type.Array(DiscoveryJson), total: Type.Integer() });
