/**
 * `swarmscope sim` (DESIGN.md §3): start only the simulated swarm, print where to bootstrap from
 * as exactly one JSON line on stdout, and run until SIGTERM or SIGINT, then close every socket.
 * Scripts and tests read that line to learn the bootstrap addresses and the ground-truth torrents.
 */
import type { HostileBehaviour } from './hostile-behaviours.ts';
import { type SimSwarm, startSimSwarm } from './sim-swarm.ts';
import type { InternetKnobs, SimProfile } from './internet-profile.ts';
import type { SwarmSizeDistribution } from './swarm-sizes.ts';

export interface SimCommandOptions {
  nodes?: number;
  torrents?: number;
  seed?: number | string;
  minPeers?: number;
  maxPeers?: number;
  /** `uniform` (default) or `pareto` swarm sizes (sim/swarm-sizes.ts). */
  sizeDistribution?: SwarmSizeDistribution;
  sizeAlpha?: number;
  /** Query loss rate, 0..1 (`lossRate` of the swarm). */
  loss?: number;
  rttMs?: number;
  jitterMs?: number;
  bindHostBase?: string;
  port?: number;
  /** BEP 32: every node also answers on udp6 ::1; the line then lists `bootstrap6`. */
  ipv6?: boolean;
  /** Share (0..1) of hostile nodes (`hostileShare` of the swarm). */
  hostile?: number;
  /** Which hostile behaviours to hand out; all when absent. */
  hostileBehaviours?: HostileBehaviour[];
  /** Shares of IPv4 peers placed in real country blocks, e.g. { DE: 0.3 } (`countries` of the swarm). */
  countries?: Record<string, number>;
  /** Ordinary catalogue torrents besides the fixed model-like set (`catalogue.torrents`); no catalogue when absent. */
  catalogue?: number;
  /** Share (0..1) of ordinary catalogue torrents whose metadata is served (`catalogue.metadataShare`). */
  metadataShare?: number;
  /** BEP 51 `interval` of sample_infohashes replies, seconds (`sampleIntervalSec`). */
  sampleIntervalSec?: number;
  /** Swarms partly hidden from the DHT, with loopback peers that answer PEX (`pexSwarms.torrents`). */
  pexSwarms?: number;
  /** `internet`: every knob of sim/internet-profile.ts at its default. */
  profile?: SimProfile;
  /** Knobs one by one (`--dead-share`, `--churn-per-minute`, …); they override the profile's. */
  internet?: Partial<InternetKnobs>;
  /** Stops the swarm like a signal would; for callers that embed the command (e.g. `demo`). */
  signal?: AbortSignal;
}

/**
 * The one line printed on stdout. `peers` counts the IPv4 peers, as it always has; `bootstrap6` is
 * [] and `peersV6` 0 without IPv6, and `hostile` [] without hostile nodes, so a reader never has to
 * test for a missing key. `hostile` lets a collector test in another process check what it flagged.
 * `catalogue` is there only with the option: the fixed entries in full (the ones tests look for),
 * the ordinary ones counted, and the metadata peers' addresses.
 */
export interface SimCommandAnnouncement {
  bootstrap: string[];
  bootstrap6: string[];
  /**
   * `stored`: distinct peers the holders store (both families; sim/stored-peers.ts); `corroborable`:
   * those at least two holders store, the ground truth of recall for a collector that corroborates.
   */
  torrents: { infohash: string; peers: number; peersV6: number; seeds: number; seedsV6: number; stored: number; corroborable: number }[];
  hostile: { host: string; port: number; port6?: number; behaviour: string }[];
  catalogue?: {
    fixed: { infohash: string; name: string; fixed: string; kind: string; lineage?: string }[];
    ordinary: number;
    metadataServed: number;
    metadataPeers: { host: string; port: number }[];
  };
  /** With `--pex-swarms N`: each swarm's true size and how many of it announce to the DHT. */
  pexSwarms?: { infohash: string; population: number; announced: number }[];
}

function catalogueAnnouncement(swarm: SimSwarm): SimCommandAnnouncement['catalogue'] {
  const entries = swarm.catalogue();
  if (entries.length === 0) return undefined;
  return {
    fixed: entries.flatMap(({ infohash, name, fixed, kind, lineage }) => (fixed ? [{ infohash, name, fixed, kind, ...(lineage ? { lineage } : {}) }] : [])),
    ordinary: entries.filter((entry) => !entry.fixed).length,
    metadataServed: entries.filter((entry) => entry.metadataServed).length,
    metadataPeers: swarm.metadataPeers(),
  };
}

export function simAnnouncement(swarm: SimSwarm): SimCommandAnnouncement {
  const hostile6 = swarm.ipv6 ? swarm.hostileNodes(6) : [];
  const catalogue = catalogueAnnouncement(swarm);
  return {
    bootstrap: swarm.bootstrap,
    bootstrap6: swarm.bootstrap6,
    torrents: swarm.torrents.map(({ infohash, peers, peersV6, seeds, seedsV6 }) => ({ infohash, peers, peersV6, seeds, seedsV6, stored: swarm.storedPeersOf(infohash).length, corroborable: swarm.storedPeersOf(infohash, 2).length })),
    hostile: swarm.hostileNodes().map(({ host, port, behaviour }, index) => ({ host, port, ...(hostile6[index] ? { port6: hostile6[index].port } : {}), behaviour })),
    ...(catalogue ? { catalogue } : {}),
    ...(swarm.pexSwarms().length > 0 ? { pexSwarms: swarm.pexSwarms() } : {}),
  };
}

const STOP_SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/** Resolves once the swarm is closed after a stop signal; the caller's process can then exit 0. */
export async function runSimCommand(options: SimCommandOptions = {}): Promise<void> {
  // Listen before starting (and so before printing): a reader that signals as soon as it has the
  // line must find the handler in place, or the default action kills the process with no cleanup.
  let stop!: () => void;
  const stopped = new Promise<void>((resolve) => {
    stop = (): void => {
      for (const name of STOP_SIGNALS) process.off(name, stop);
      options.signal?.removeEventListener('abort', stop);
      resolve();
    };
    for (const name of STOP_SIGNALS) process.on(name, stop);
    if (options.signal?.aborted) stop();
    else options.signal?.addEventListener('abort', stop, { once: true });
  });
  let swarm: SimSwarm;
  try {
    swarm = await startSimSwarm({
      nodes: options.nodes,
      torrents: options.torrents,
      seed: options.seed,
      minPeers: options.minPeers,
      maxPeers: options.maxPeers,
      sizeDistribution: options.sizeDistribution,
      sizeAlpha: options.sizeAlpha,
      lossRate: options.loss,
      rttMs: options.rttMs,
      jitterMs: options.jitterMs,
      bindHostBase: options.bindHostBase,
      port: options.port,
      ipv6: options.ipv6,
      hostileShare: options.hostile,
      hostileBehaviours: options.hostileBehaviours,
      countries: options.countries,
      sampleIntervalSec: options.sampleIntervalSec,
      ...(options.catalogue !== undefined ? { catalogue: { torrents: options.catalogue, metadataShare: options.metadataShare } } : {}),
      ...(options.pexSwarms !== undefined ? { pexSwarms: { torrents: options.pexSwarms } } : {}),
      ...(options.profile !== undefined ? { profile: options.profile } : {}),
      ...(options.internet !== undefined ? { internet: options.internet } : {}),
      // One line per block on stderr: a test in another process counts them there.
      onBlock: ({ node, ip }) => process.stderr.write(`sim: block: node ${node} ignores ${ip} (dht_block_ratelimit exceeded)\n`),
    });
  } catch (error) {
    stop();
    throw error;
  }
  process.stdout.write(`${JSON.stringify(simAnnouncement(swarm))}\n`);
  await stopped;
  await swarm.close();
}
