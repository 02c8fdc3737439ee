/**
 * startSimSwarm: a Mainline DHT on loopback with a known ground truth, for tests, benchmarks and
 * `swarmscope demo`. N nodes speak real KRPC over UDP, each on its own 127.x.y.z address, wired
 * into one Kademlia network; T torrents have seeded peer sets stored on the nodes closest to them.
 */
import { parseInfohash } from '../core/infohash.ts';
import { NODE_ID_BYTES, type PeerAddress, decodeCompactPeer, encodeCompactPeer } from '../protocol/compact.ts';
import type { Contact } from './contact.ts';
import { NetworkConditions } from './network-conditions.ts';
import { simNodeHost } from './node-addresses.ts';
import { SeededRandom } from './prng.ts';
import { BUCKET_SIZE_K, buildRoutingTables } from './routing-tables.ts';
import { closestNodeIndices, seedTorrents } from './seeded-torrents.ts';
import { type SimContext, type SimStats, newSimStats } from './sim-context.ts';
import { SimNode } from './sim-node.ts';
import { type SimSwarmOptions, resolveSimOptions } from './sim-options.ts';
import { TOKEN_ROTATION_INTERVAL_MS, TokenSecrets } from './token-secrets.ts';

export interface SimTorrent {
  /** 40 lowercase hex characters. */
  infohash: string;
  /** Seeded ground-truth peers (announces made later are not counted here). */
  peers: number;
  /** How many of those peers are seeds (BEP 33). */
  seeds: number;
}

export interface SimNodeAddress {
  /** Node id, 40 lowercase hex characters. */
  id: string;
  host: string;
  port: number;
}

export interface SimSwarm {
  /** "127.x.y.z:port" of a few nodes to bootstrap from. */
  bootstrap: string[];
  torrents: SimTorrent[];
  nodeCount: number;
  /** Ground truth: the seeded peers of a torrent plus peers announced to any node since; [] if unknown. */
  peersOf(infohash: string): PeerAddress[];
  /** The `k` nodes closest (XOR) to a target: where a converged lookup ends and where a torrent is stored. */
  closestNodes(target: string, k?: number): SimNodeAddress[];
  /** Every node, in index order. */
  nodes(): SimNodeAddress[];
  stats(): SimStats;
  close(): Promise<void>;
}

export async function startSimSwarm(options: SimSwarmOptions = {}): Promise<SimSwarm> {
  const resolved = resolveSimOptions(options);
  const { seed } = resolved;
  const setupRandom = new SeededRandom(seed, 'node-ids');
  const ids = Array.from({ length: resolved.nodes }, () => setupRandom.bytes(NODE_ID_BYTES));
  const conditions = new NetworkConditions(resolved.lossRate, resolved.rttMs, resolved.jitterMs, new SeededRandom(seed, 'network'));
  const context: SimContext = {
    contacts: new Array<Contact>(resolved.nodes),
    tables: buildRoutingTables(ids, new SeededRandom(seed, 'routing')),
    tokens: new TokenSecrets(new SeededRandom(seed, 'tokens')),
    conditions,
    valuesRandom: new SeededRandom(seed, 'values'),
    valuesPerReply: resolved.valuesPerReply,
    stats: newSimStats(),
    announcedHolders: new Map(),
    nowMs: () => Date.now(),
  };
  const nodes = ids.map((id, index) => new SimNode(index, id, simNodeHost(resolved.bindHostBase, index), context));
  const torrents = seedTorrents(resolved);
  for (const torrent of torrents) {
    for (const index of closestNodeIndices(Buffer.from(torrent.infohash, 'hex'), ids)) nodes[index]!.holdSeeded(torrent.infohash, torrent.peers);
  }

  const closeAll = async (): Promise<void> => {
    conditions.close();
    await Promise.all(nodes.map((node) => node.close()));
  };
  const bound = await Promise.allSettled(nodes.map((node) => node.bind(resolved.port)));
  const failure = bound.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
  if (failure) {
    await closeAll();
    throw failure.reason;
  }
  nodes.forEach((node, index) => {
    context.contacts[index] = { id: node.id, compactNode: Buffer.concat([node.id, encodeCompactPeer({ host: node.host, port: node.port })]) };
  });
  // One timer for the whole swarm (BEP 5 token rotation); unref'd so it never keeps a process alive.
  const rotation = setInterval(() => context.tokens.rotate(), TOKEN_ROTATION_INTERVAL_MS);
  rotation.unref();

  const addressOf = (node: SimNode): SimNodeAddress => ({ id: node.id.toString('hex'), host: node.host, port: node.port });
  let closing: Promise<void> | undefined;
  return {
    bootstrap: nodes.slice(0, resolved.bootstrapCount).map((node) => `${node.host}:${node.port}`),
    torrents: torrents.map((torrent) => ({ infohash: torrent.infohash, peers: torrent.peers.count, seeds: torrent.peers.seeds })),
    nodeCount: nodes.length,
    peersOf(infohash) {
      const hex = parseInfohash(infohash);
      const seeded = torrents.find((torrent) => torrent.infohash === hex)?.peers;
      const peers: PeerAddress[] = [];
      const seen = new Set<string>();
      for (let index = 0; index < (seeded?.count ?? 0); index++) peers.push(seeded!.addressAt(index));
      for (const holder of context.announcedHolders.get(hex) ?? []) {
        for (const peer of nodes[holder]!.announced?.list(hex, context.nowMs()) ?? []) {
          const key = peer.compact.toString('latin1');
          if (seen.has(key)) continue;
          seen.add(key);
          peers.push(decodeCompactPeer(peer.compact)!);
        }
      }
      return peers;
    },
    closestNodes(target, k = BUCKET_SIZE_K) {
      return closestNodeIndices(Buffer.from(parseInfohash(target), 'hex'), ids, k).map((index) => addressOf(nodes[index]!));
    },
    nodes: () => nodes.map(addressOf),
    stats: () => structuredClone(context.stats),
    close() {
      clearInterval(rotation);
      return (closing ??= closeAll());
    },
  };
}
