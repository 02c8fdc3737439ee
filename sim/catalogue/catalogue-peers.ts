/**
 * The peers of catalogue torrents: a few synthetic public addresses each (most torrents on the DHT
 * have a handful of peers), plus — when the torrent's metadata is served — the loopback listeners
 * that serve it (metadata-peers.ts). Those listeners are real peers: they are in the seeded peer
 * list the holders answer get_peers from, and in `peersOf`. The fixed entries are served by every
 * listener; a served ordinary torrent by one, in turn.
 */
import { encodeCompactPeer } from '../../protocol/compact.ts';
import type { MetadataPeer } from '../metadata-peers.ts';
import { SeededRandom } from '../prng.ts';
import { SeededPeerList, generateSeededPeerList } from '../seeded-peer-list.ts';
import type { SeededTorrent } from '../seeded-torrents.ts';
import type { CatalogueTorrent } from './catalogue.ts';

const MIN_SYNTHETIC_PEERS = 2;
const MAX_SYNTHETIC_PEERS = 20;

/** Which listeners serve (and are peers of) each catalogue torrent; [] for those not served. */
export function assignMetadataPeers(catalogue: readonly CatalogueTorrent[], listeners: readonly MetadataPeer[]): MetadataPeer[][] {
  let turn = 0;
  return catalogue.map((torrent) => {
    if (!torrent.metadataServed || listeners.length === 0) return [];
    if (torrent.key) return [...listeners];
    return [listeners[turn++ % listeners.length]!];
  });
}

/**
 * The torrent as ground truth: synthetic peers first (seeds, then downloaders), the listeners last
 * as downloaders (they answer have_none). IPv4 only: the listeners are on 127.0.0.0/8.
 */
export function catalogueSeededTorrent(seed: number | string, torrent: CatalogueTorrent, listeners: readonly MetadataPeer[]): SeededTorrent {
  const random = new SeededRandom(seed, `catalogue-peers:${torrent.index}`);
  const count = random.nextInt(MIN_SYNTHETIC_PEERS, MAX_SYNTHETIC_PEERS);
  const seeds = random.nextInt(0, count);
  const synthetic = generateSeededPeerList(random, count, seeds, 4);
  const served = listeners.map((listener) => encodeCompactPeer({ host: listener.host, port: listener.port }));
  return {
    infohash: torrent.infohash,
    position: torrent.index,
    peers: new SeededPeerList(Buffer.concat([synthetic.compact, ...served]), count + served.length, seeds, 4),
    peersV6: new SeededPeerList(Buffer.alloc(0), 0, 0, 6),
    origin: 'catalogue',
  };
}
