/**
 * Swarms with a known total population, of which only a share announces to the DHT, and real
 * loopback peers that name members over PEX (BEP 11): the ground truth for the capture–recapture
 * estimate of issue 13. Each swarm draws from its own stream (seed + position), so each is an
 * independent seeded run.
 *
 * A swarm of N members: `listeners` of them are the sim's loopback TCP peers (every swarm has all
 * of them; they announce to the DHT, so lookups find them and probes can reach them); the others
 * are synthetic public addresses, each announcing to the DHT with the swarm's share p. Each
 * listener's one PEX message names BEP 11's at most 50 members drawn uniformly from the whole swarm
 * but itself, whether or not they announce — as a client names the peers it is connected to, found
 * by any route. The DHT capture is then the announcing members, the PEX capture independent of it.
 */
import { encodeCompactPeer } from '../protocol/compact.ts';
import { INFOHASH_BYTES } from '../core/infohash.ts';
import { BEP11_MAX_ADDED_PER_MESSAGE } from './pex-sender.ts';
import { SeededRandom } from './prng.ts';
import { SeededPeerList, generateSeededPeerList } from './seeded-peer-list.ts';
import type { SeededTorrent } from './seeded-torrents.ts';
import type { ResolvedPexSwarmOptions } from './sim-options.ts';

const COMPACT_V4_BYTES = 6;

export interface PexSwarm {
  infohash: string;
  /** The true swarm size: the number a total-swarm estimate should find. */
  population: number;
  /** Members that announce to the DHT (the listeners among them). */
  announced: number;
  /** What the DHT holders answer get_peers from: the announcing members. */
  seeded: SeededTorrent;
  /** Per listener (in index order), the compact peers of its PEX message. */
  pexLists: Buffer[];
}

/** The ground truth a test reads (sim JSON line, SimSwarm.pexSwarms()). */
export interface PexSwarmView {
  infohash: string;
  population: number;
  announced: number;
}

/** `count` distinct indices of [0, size) except `excluded`, uniformly (a partial Fisher–Yates shuffle). */
function sampleIndices(random: SeededRandom, size: number, count: number, excluded: number): number[] {
  const pool = Array.from({ length: size }, (_, index) => index).filter((index) => index !== excluded);
  const take = Math.min(count, pool.length);
  for (let index = 0; index < take; index++) {
    const swap = random.nextInt(index, pool.length - 1);
    [pool[index], pool[swap]] = [pool[swap]!, pool[index]!];
  }
  return pool.slice(0, take);
}

export function buildPexSwarm(seed: number | string, options: ResolvedPexSwarmOptions, listeners: readonly { host: string; port: number }[], position: number): PexSwarm {
  const random = new SeededRandom(seed, `pex-swarm:${position}`);
  const infohash = random.bytes(INFOHASH_BYTES).toString('hex');
  const population = random.nextInt(options.minPopulation, options.maxPopulation);
  const dhtShare = options.minDhtShare + random.nextFloat() * (options.maxDhtShare - options.minDhtShare);
  const synthetic = generateSeededPeerList(random, population - listeners.length, 0, 4);
  const members = [
    ...Array.from({ length: synthetic.count }, (_, index) => synthetic.compactAt(index)),
    ...listeners.map((listener) => encodeCompactPeer({ host: listener.host, port: listener.port })),
  ];
  const announcing = members.filter((_, index) => index >= synthetic.count || random.nextFloat() < dhtShare);
  const pexLists = listeners.map((_, listener) =>
    Buffer.concat(sampleIndices(random, members.length, BEP11_MAX_ADDED_PER_MESSAGE, synthetic.count + listener).map((index) => members[index]!)),
  );
  const announced = Buffer.concat(announcing);
  return {
    infohash,
    population,
    announced: announced.length / COMPACT_V4_BYTES,
    seeded: {
      infohash,
      position,
      peers: new SeededPeerList(announced, announced.length / COMPACT_V4_BYTES, 0, 4),
      peersV6: new SeededPeerList(Buffer.alloc(0), 0, 0, 6),
      origin: 'pex',
    },
    pexLists,
  };
}

export function pexSwarmView(swarm: PexSwarm): PexSwarmView {
  return { infohash: swarm.infohash, population: swarm.population, announced: swarm.announced };
}
