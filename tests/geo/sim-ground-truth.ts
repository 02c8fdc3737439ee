/**
 * The ground truth of a sim started with `--countries` (or the `countries` option): the same
 * options give the same peers in this process (sim/seeded-torrents.ts), and the country of each is
 * what the database the sim and the collector share says.
 */
import { countryOfAddress } from '../../sim/country-blocks.ts';
import { seedTorrents } from '../../sim/seeded-torrents.ts';
import { resolveSimOptions, type SimSwarmOptions } from '../../sim/sim-options.ts';

export interface TruthPeer {
  host: string;
  port: number;
  compact: Buffer;
}

export function simPeers(options: SimSwarmOptions): Map<string, TruthPeer[]> {
  const torrents = seedTorrents(resolveSimOptions(options));
  return new Map(
    torrents.map((torrent) => {
      const peers: TruthPeer[] = [];
      for (const list of [torrent.peers, torrent.peersV6]) {
        for (let index = 0; index < list.count; index++) {
          const address = list.addressAt(index);
          peers.push({ host: address.host, port: address.port, compact: Buffer.from(list.compactAt(index)) });
        }
      }
      return [torrent.infohash, peers];
    }),
  );
}

/** Peers per country (unlocated ones under `other`), as the enrichment stage counts them. */
export function countriesOf(peers: readonly TruthPeer[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const peer of peers) {
    const country = countryOfAddress(peer.host) ?? 'other';
    counts.set(country, (counts.get(country) ?? 0) + 1);
  }
  return counts;
}
