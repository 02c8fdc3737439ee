/**
 * startSimSwarm: a Mainline DHT on loopback with a known ground truth, for tests, benchmarks and
 * `swarmscope demo`. N nodes speak real KRPC over UDP, each on its own 127.x.y.z address (and with
 * `ipv6`, BEP 32, also on ::1), wired into one Kademlia network per family; T torrents have seeded
 * peer sets stored on the honest nodes closest to them; a share of the nodes may be hostile.
 * Honest nodes answer BEP 51 sample_infohashes from what they hold. With `catalogue`, named torrents
 * with real info dictionaries join the ground truth, and loopback peers serve their metadata.
 */
import { SwarmscopeError } from '../core/errors.ts';
import { parseInfohash } from '../core/infohash.ts';
import { NODE_ID_BYTES, type PeerAddress, decodeCompactPeer, encodeCompactPeer } from '../protocol/compact.ts';
import { type CatalogueEntry, type CatalogueTorrent, buildCatalogue, catalogueEntry } from './catalogue/catalogue.ts';
import { assignMetadataPeers, catalogueSeededTorrent } from './catalogue/catalogue-peers.ts';
import { FloodBudget } from './flood.ts';
import { type HostileBehaviour, assignHostileNodes } from './hostile-behaviours.ts';
import { type MetadataPeer, startMetadataPeers } from './metadata-peers.ts';
import { buildPexSwarm, pexSwarmView, type PexSwarmView } from './pex-swarms.ts';
import { NetworkConditions } from './network-conditions.ts';
import { Churn } from './churn.ts';
import { logNormalOf } from './internet-profile.ts';
import { assignNodeKinds, receivesAnnounces } from './node-kinds.ts';
import { simNodeHost } from './node-addresses.ts';
import { SeededRandom } from './prng.ts';
import { BUCKET_SIZE_K, buildRoutingTables } from './routing-tables.ts';
import { type SeededTorrent, closestNodeIndices, resizedPeerList, seedTorrents } from './seeded-torrents.ts';
import { type FamilyNetwork, type SimContext, type SimStats, newSimStats } from './sim-context.ts';
import { SimNode } from './sim-node.ts';
import { MAX_PEERS_PER_TORRENT, type SimSwarmOptions, resolveSimOptions } from './sim-options.ts';
import type { IpFamily } from './synthetic-addresses.ts';
import { TOKEN_ROTATION_INTERVAL_MS, TokenSecrets } from './token-secrets.ts';

export interface SimTorrent {
  /** 40 lowercase hex characters. */
  infohash: string;
  /** Seeded honest IPv4 peers (announces made later are not counted here). */
  peers: number;
  /** How many of those peers are seeds (BEP 33). */
  seeds: number;
  /** Seeded honest IPv6 peers (BEP 32); 0 without `ipv6`. */
  peersV6: number;
  seedsV6: number;
}

export interface SimNodeAddress {
  /** Node id, 40 lowercase hex characters; the same on both families. */
  id: string;
  /** 127.x.y.z, or ::1 for the IPv6 side. */
  host: string;
  port: number;
}

export interface SimHostileNode extends SimNodeAddress {
  behaviour: HostileBehaviour;
}

export interface SimSwarm {
  /** "127.x.y.z:port" of a few honest nodes to bootstrap from. */
  bootstrap: string[];
  /** "[::1]:port" of the same nodes' IPv6 side; [] without `ipv6`. */
  bootstrap6: string[];
  torrents: SimTorrent[];
  nodeCount: number;
  ipv6: boolean;
  /** Honest ground truth: the seeded peers of both families plus peers announced to honest nodes since; [] if unknown. */
  peersOf(infohash: string): PeerAddress[];
  /**
   * What the nodes actually store (Internet profile): the union of the holders' stored subsets of
   * both families plus announced peers. The same as `peersOf` without a storage cap. With
   * `minHolders` = 2, only peers at least two holders store: what a collector that corroborates
   * each value by two nodes (collector/dht/corroboration.ts) can count at all.
   */
  storedPeersOf(infohash: string, minHolders?: number): PeerAddress[];
  /** The K honest nodes closest to an infohash: where its ground truth is stored and announces count. */
  holdersOf(infohash: string, family?: IpFamily): SimNodeAddress[];
  /** The `k` nodes closest (XOR) to a target, hostile ones included: where a converged lookup ends. */
  closestNodes(target: string, k?: number, family?: IpFamily): SimNodeAddress[];
  /** Every node, in index order, on that family's side (IPv4 by default). */
  nodes(family?: IpFamily): SimNodeAddress[];
  /** The hostile nodes and what each does, in index order. */
  hostileNodes(family?: IpFamily): SimHostileNode[];
  /**
   * Grows or shrinks a torrent's honest seeded peers of one family (IPv4 by default) to `count`,
   * deterministically: the first peers stay the same, so a growth alert sees the same swarm plus
   * newcomers. Seeds stay as they were (capped at `count`) unless `seeds` is given.
   */
  setPeerCount(infohash: string, count: number, options?: { family?: IpFamily; seeds?: number }): SimTorrent;
  /**
   * Ground truth of the `catalogue` option's torrents (the fixed model-like set first, then the
   * ordinary ones); [] without it. Catalogue torrents are held by their closest honest nodes like
   * every seeded torrent (get_peers, sample_infohashes, `peersOf`) but are not in `torrents`.
   */
  catalogue(): CatalogueEntry[];
  /** The loopback TCP listeners that serve catalogue metadata (BEP 9), in index order; [] without a catalogue. */
  metadataPeers(): { host: string; port: number }[];
  /** Ground truth of the `pexSwarms` option: each swarm's true size and how many of it announce to the DHT; [] without it. */
  pexSwarms(): PexSwarmView[];
  stats(): SimStats;
  close(): Promise<void>;
}

function torrentView(torrent: SeededTorrent): SimTorrent {
  const { peers, peersV6 } = torrent;
  return { infohash: torrent.infohash, peers: peers.count, seeds: peers.seeds, peersV6: peersV6.count, seedsV6: peersV6.seeds };
}

function familyNetwork(ids: Buffer[], random: SeededRandom): FamilyNetwork {
  return { contacts: new Array(ids.length), tables: buildRoutingTables(ids, random) };
}

function usage(message: string): never {
  throw new SwarmscopeError('invalid_config', `sim: ${message}`);
}

export async function startSimSwarm(options: SimSwarmOptions = {}): Promise<SimSwarm> {
  const resolved = resolveSimOptions(options);
  const { seed, ipv6 } = resolved;
  const setupRandom = new SeededRandom(seed, 'node-ids');
  const ids = Array.from({ length: resolved.nodes }, () => setupRandom.bytes(NODE_ID_BYTES));
  const hostileBehaviourOf = assignHostileNodes(resolved.nodes, resolved.bootstrapCount, resolved.hostileShare, resolved.hostileBehaviours, new SeededRandom(seed, 'hostile'));
  const { knobs } = resolved;
  const logNormal = knobs.rttMedianMs > 0 ? logNormalOf(knobs.rttMedianMs, knobs.rttP95Ms) : undefined;
  const conditions = new NetworkConditions(resolved.lossRate, resolved.rttMs, resolved.jitterMs, new SeededRandom(seed, 'network'), logNormal);
  const nodeKinds = assignNodeKinds(resolved.nodes, resolved.bootstrapCount, (index) => hostileBehaviourOf.has(index), knobs, new SeededRandom(seed, 'node-kinds'));
  const nowMs = (): number => Date.now();
  const context: SimContext = {
    // The IPv6 tables are built like the IPv4 ones but drawn apart: real nodes' two tables differ.
    networks: { 4: familyNetwork(ids, new SeededRandom(seed, 'routing')), ...(ipv6 ? { 6: familyNetwork(ids, new SeededRandom(seed, 'routing6')) } : {}) },
    tokens: new TokenSecrets(new SeededRandom(seed, 'tokens')),
    conditions,
    valuesRandom: new SeededRandom(seed, 'values'),
    hostileRandom: new SeededRandom(seed, 'hostile-replies'),
    samplesRandom: new SeededRandom(seed, 'samples'),
    sampling: { intervalSec: resolved.sampleIntervalSec, maxSamples: resolved.maxSamplesPerReply },
    valuesPerReply: { 4: resolved.valuesPerReply, 6: resolved.valuesPerReplyV6 },
    stats: newSimStats(),
    announcedHolders: new Map(),
    torrentsByInfohash: new Map(),
    hostileBehaviourOf,
    floodBudget: new FloodBudget(nowMs),
    nowMs,
    knobs,
    nodeKinds,
    storageRandom: new SeededRandom(seed, 'storage'),
    seed,
    ...(options.onBlock ? { onBlock: options.onBlock } : {}),
  };
  for (const behaviour of hostileBehaviourOf.values()) context.stats.hostile.nodes[behaviour] = (context.stats.hostile.nodes[behaviour] ?? 0) + 1;
  const nodes = ids.map((id, index) => new SimNode(index, id, simNodeHost(resolved.bindHostBase, index), context));
  // Hostile nodes take the place of honest ones in the id space but never hold ground truth; dead
  // nodes and nodes that give no token are passed over, as announcers pass them (Internet profile).
  const isHonest = (index: number): boolean => !hostileBehaviourOf.has(index) && receivesAnnounces(nodeKinds, index);
  const torrents = seedTorrents(resolved);
  for (const torrent of torrents) {
    context.torrentsByInfohash.set(torrent.infohash, torrent);
    for (const index of closestNodeIndices(Buffer.from(torrent.infohash, 'hex'), ids, BUCKET_SIZE_K, isHonest)) nodes[index]!.holdSeeded(torrent);
  }
  const views = torrents.map(torrentView);

  // The catalogue's listeners first: their ports go into the catalogue torrents' peer lists.
  const catalogue: CatalogueTorrent[] = resolved.catalogue ? buildCatalogue(seed, resolved.catalogue) : [];
  const listeners: MetadataPeer[] = resolved.catalogue ? await startMetadataPeers(resolved.catalogue.metadataHostBase, resolved.catalogue.metadataPeers, context.stats.metadataPeers) : [];
  const servedBy = assignMetadataPeers(catalogue, listeners);
  const pexOptions = resolved.pexSwarms;
  const pexListeners: MetadataPeer[] = pexOptions ? await startMetadataPeers(pexOptions.hostBase, pexOptions.listeners, context.stats.metadataPeers) : [];
  const closeAll = async (): Promise<void> => {
    conditions.close();
    await Promise.all([...nodes.map((node) => node.close()), ...listeners.map((listener) => listener.close()), ...pexListeners.map((listener) => listener.close())]);
  };
  for (const torrent of catalogue) {
    if (context.torrentsByInfohash.has(torrent.infohash)) {
      await closeAll();
      usage(`catalogue torrent ${torrent.infohash} (${torrent.name}) is also in torrentSpecs`);
    }
    const peers = servedBy[torrent.index]!;
    for (const listener of peers) listener.serve(torrent);
    const seeded = catalogueSeededTorrent(seed, torrent, peers);
    context.torrentsByInfohash.set(torrent.infohash, seeded);
    for (const index of closestNodeIndices(Buffer.from(torrent.infohash, 'hex'), ids, BUCKET_SIZE_K, isHonest)) nodes[index]!.holdSeeded(seeded);
  }
  const pexSwarms = pexOptions ? Array.from({ length: pexOptions.torrents }, (_, position) => buildPexSwarm(seed, pexOptions, pexListeners, position)) : [];
  for (const swarm of pexSwarms) {
    if (context.torrentsByInfohash.has(swarm.infohash)) {
      await closeAll();
      usage(`PEX swarm ${swarm.infohash} collides with another torrent`);
    }
    pexListeners.forEach((listener, index) => listener.serve({ infohash: swarm.infohash, pieceCount: 1, pexAdded: swarm.pexLists[index]! }));
    context.torrentsByInfohash.set(swarm.infohash, swarm.seeded);
    for (const index of closestNodeIndices(Buffer.from(swarm.infohash, 'hex'), ids, BUCKET_SIZE_K, isHonest)) nodes[index]!.holdSeeded(swarm.seeded);
  }
  const bound = await Promise.allSettled(nodes.map((node) => node.bind(resolved.port, ipv6)));
  const failure = bound.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
  if (failure) {
    await closeAll();
    throw failure.reason;
  }
  for (const family of [4, 6] as const) {
    const network = context.networks[family];
    if (!network) continue;
    nodes.forEach((node, index) => {
      network.contacts[index] = { id: node.id, compactNode: Buffer.concat([node.id, encodeCompactPeer({ host: node.hostOf(family), port: node.portOf(family) })]) };
    });
  }
  // One timer for the whole swarm (BEP 5 token rotation); unref'd so it never keeps a process alive.
  const rotation = setInterval(() => context.tokens.rotate(), TOKEN_ROTATION_INTERVAL_MS);
  rotation.unref();
  const churn = new Churn(nodeKinds, knobs.churnPerMinute, new SeededRandom(seed, 'churn'), context.stats.profile.churn);
  churn.start();

  const checkFamily = (family: IpFamily): IpFamily => (family === 6 && !ipv6 ? usage('the swarm was started without ipv6: no IPv6 side') : family);
  const addressOf = (node: SimNode, family: IpFamily): SimNodeAddress => ({ id: node.id.toString('hex'), host: node.hostOf(family), port: node.portOf(family) });
  const seededTorrent = (infohash: string): SeededTorrent => {
    const torrent = context.torrentsByInfohash.get(parseInfohash(infohash));
    return torrent ?? usage(`no seeded torrent ${infohash}`);
  };
  const bootstrapNodes = nodes.slice(0, resolved.bootstrapCount);
  let closing: Promise<void> | undefined;
  return {
    bootstrap: bootstrapNodes.map((node) => `${node.host}:${node.port}`),
    bootstrap6: ipv6 ? bootstrapNodes.map((node) => `[${node.hostOf(6)}]:${node.port6}`) : [],
    torrents: views,
    nodeCount: nodes.length,
    ipv6,
    peersOf(infohash) {
      const hex = parseInfohash(infohash);
      const seeded = context.torrentsByInfohash.get(hex);
      const peers: PeerAddress[] = [];
      for (const list of seeded ? [seeded.peers, seeded.peersV6] : []) for (let index = 0; index < list.count; index++) peers.push(list.addressAt(index));
      const seen = new Set<string>();
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
    storedPeersOf(infohash, minHolders = 1) {
      const hex = parseInfohash(infohash);
      const seeded = context.torrentsByInfohash.get(hex);
      const stored = new Map<string, PeerAddress>();
      const holdersOfPeer = new Map<string, number>();
      for (const holder of nodes) {
        if (holder.isDead || !holder.seeded?.has(hex) || !seeded) continue;
        for (const list of [seeded.peers, seeded.peersV6]) {
          const view = holder.storedOf(hex, list);
          for (let index = 0; index < view.count; index++) {
            const compact = view.compactAt(index);
            const key = compact.toString('latin1');
            holdersOfPeer.set(key, (holdersOfPeer.get(key) ?? 0) + 1);
            stored.set(key, decodeCompactPeer(compact)!);
          }
        }
      }
      for (const holder of context.announcedHolders.get(hex) ?? []) {
        for (const peer of nodes[holder]!.announced?.list(hex, context.nowMs()) ?? []) {
          const key = peer.compact.toString('latin1');
          holdersOfPeer.set(key, (holdersOfPeer.get(key) ?? 0) + 1);
          stored.set(key, decodeCompactPeer(peer.compact)!);
        }
      }
      return [...stored].flatMap(([key, address]) => ((holdersOfPeer.get(key) ?? 0) >= minHolders ? [address] : []));
    },
    holdersOf(infohash, family = 4) {
      checkFamily(family);
      return closestNodeIndices(Buffer.from(parseInfohash(infohash), 'hex'), ids, BUCKET_SIZE_K, isHonest).map((index) => addressOf(nodes[index]!, family));
    },
    closestNodes(target, k = BUCKET_SIZE_K, family = 4) {
      checkFamily(family);
      return closestNodeIndices(Buffer.from(parseInfohash(target), 'hex'), ids, k).map((index) => addressOf(nodes[index]!, family));
    },
    nodes: (family = 4) => nodes.map((node) => addressOf(node, checkFamily(family))),
    hostileNodes(family = 4) {
      checkFamily(family);
      return [...hostileBehaviourOf.keys()].sort((a, b) => a - b).map((index) => ({ ...addressOf(nodes[index]!, family), behaviour: hostileBehaviourOf.get(index)! }));
    },
    setPeerCount(infohash, count, { family = 4, seeds } = {}) {
      checkFamily(family);
      if (!Number.isSafeInteger(count) || count < 0 || count > MAX_PEERS_PER_TORRENT) usage(`peer count must be an integer in [0, ${MAX_PEERS_PER_TORRENT}], got ${count}`);
      if (seeds !== undefined && (!Number.isSafeInteger(seeds) || seeds < 0 || seeds > count)) usage(`seeds must be an integer in [0, ${count}], got ${seeds}`);
      const torrent = seededTorrent(infohash);
      if (torrent.origin) usage(`${infohash} is a ${torrent.origin} torrent: its peers are fixed`);
      // Holders share the torrent object, so replacing its list reaches all of them at once.
      if (family === 4) torrent.peers = resizedPeerList(resolved, torrent, 4, count, seeds);
      else torrent.peersV6 = resizedPeerList(resolved, torrent, 6, count, seeds);
      return Object.assign(views[torrent.position]!, torrentView(torrent));
    },
    catalogue: () => catalogue.map((torrent) => catalogueEntry(torrent, servedBy[torrent.index]!)),
    metadataPeers: () => listeners.map(({ host, port }) => ({ host, port })),
    pexSwarms: () => pexSwarms.map(pexSwarmView),
    stats: () => structuredClone(context.stats),
    close() {
      clearInterval(rotation);
      churn.stop();
      return (closing ??= closeAll());
    },
  };
}
