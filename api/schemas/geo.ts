/** The /geo route's query and answer (DESIGN.md §5): countries, ASNs and clients of a torrent's peers over a range. */
import { Type, type Static } from 'typebox';

export const GeoQuery = Type.Object({
  from: Type.Optional(Type.String({ description: 'ISO 8601, "now", relative (-24h) or epoch ms; default to-24h' })),
  to: Type.Optional(Type.String({ description: 'same forms as from; default now' })),
});
export type GeoQuery = Static<typeof GeoQuery>;

function rows(key: string, example: string) {
  return Type.Array(
    Type.Object({
      [key]: Type.String({ description: `${example}, or "other" for everything past the top N and what no database places` }),
      peers: Type.Number({ description: 'peers in the newest sweep of the range (0 when the tag only appears in older sweeps)' }),
      meanPeers: Type.Number({ description: 'mean peers per sweep over the range, a sweep without the tag counting 0' }),
    }),
  );
}

export const GeoResponse = Type.Object({
  infohash: Type.String(),
  from: Type.String({ format: 'date-time' }),
  to: Type.String({ format: 'date-time' }),
  at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'the newest sweep in the range; null when the range has none' }),
  sweeps: Type.Integer({ description: 'sweeps in the range that located peers' }),
  countries: rows('country', 'ISO 3166-1 alpha-2 code (top 20)'),
  asns: rows('asn', 'autonomous system such as AS13335 (top 10)'),
  clients: rows('client', 'BitTorrent client from the peer-wire handshake (top N)'),
});
export type GeoResponse = Static<typeof GeoResponse>;

export const UniquePeersResponse = Type.Object({
  infohash: Type.String(),
  from: Type.String({ format: 'date-time' }),
  to: Type.String({ format: 'date-time' }),
  uniquePeers: Type.Union([Type.Integer(), Type.Null()], { description: 'distinct peer IPs seen in the range (HyperLogLog, ±0.8%); null when no sweep in the range' }),
});
