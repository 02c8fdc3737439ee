/** Watchlist shapes (DESIGN.md §5). `latest` carries the same field names as `collect --once --json`. */
import { Type, type Static, type TSchema } from 'typebox';
import { LATEST_METRICS, METRIC_JSON_NAMES } from '../../store/sample-fields.ts';
import { NullableNumber, NullableString } from './common.ts';

const latestMetricProperties: Record<string, TSchema> = Object.fromEntries(
  LATEST_METRICS.map((metric) => [METRIC_JSON_NAMES[metric], NullableNumber]),
);

export const LatestSample = Type.Object(
  { at: Type.String({ format: 'date-time', description: 'end of the sweep that measured it' }), ...latestMetricProperties },
  { description: 'the newest sample; a metric that was not measured is null, never 0' },
);

const TorrentCore = {
  infohash: Type.String({ description: '40 lowercase hex characters' }),
  label: NullableString,
  name: NullableString,
  size: NullableNumber,
  tags: Type.Array(Type.String()),
  addedAt: Type.String({ format: 'date-time' }),
  latest: Type.Union([LatestSample, Type.Null()]),
};

export const TorrentSummary = Type.Object(TorrentCore);

export const TorrentDetail = Type.Object({
  ...TorrentCore,
  source: NullableString,
  files: Type.Array(Type.Object({ path: Type.String(), length: Type.Number() })),
  trackers: Type.Array(Type.String()),
  webSeeds: Type.Array(Type.String()),
  swarmEstimate: Type.Union([
    Type.Object(
      {
        estimate: NullableNumber,
        low: NullableNumber,
        high: NullableNumber,
        dhtPeers: NullableNumber,
        pexPeers: NullableNumber,
        overlap: NullableNumber,
        reason: Type.Union([Type.String(), Type.Null()], { description: 'why there is no estimate; null when there is one' }),
        method: Type.String(),
        assumptions: Type.Array(Type.String()),
      },
      { description: 'the newest sample\'s total-swarm estimate (capture–recapture of the DHT and PEX captures) with its 95% interval' },
    ),
    Type.Null(),
  ]),
});

export const TorrentList = Type.Object({
  torrents: Type.Array(TorrentSummary),
  total: Type.Integer({ description: 'torrents on the watchlist, over all pages' }),
});

export const MAX_TAGS = 32;

export const AddTorrentBody = Type.Object(
  {
    magnet: Type.Optional(Type.String({ minLength: 1, maxLength: 16 * 1024, description: 'magnet:?xt=urn:btih:...' })),
    infohash: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    torrent: Type.Optional(Type.String({ minLength: 1, description: 'a .torrent file, base64-encoded' })),
    label: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    tags: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: MAX_TAGS })),
  },
  { additionalProperties: false, description: 'exactly one of magnet, infohash, torrent' },
);
export type AddTorrentBody = Static<typeof AddTorrentBody>;
