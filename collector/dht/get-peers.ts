/**
 * The iterative get_peers lookup (BEP 5), in two stages:
 *
 * 1. Converge: query the k closest known nodes not yet asked, add the closer nodes they return, and
 *    stop only when the k closest nodes that answer have all answered. Values are collected from
 *    every node that answers; the lookup does not stop at the first reply with values, since each
 *    node holds only the announces it received.
 * 2. Harvest (`harvest-values.ts`): a node holding more peers than fit in a reply answers with a
 *    random subset each time (libtorrent caps replies at 100 values), so nodes that returned values
 *    are asked again until the distinct set stops growing.
 */
import { SwarmscopeError } from '../../core/errors.ts';
import { isUsablePeer } from '../../core/address-class.ts';
import { addressKey, decodeCompactNodes, decodeCompactPeer, type NodeContact, type PeerAddress } from '../../protocol/compact.ts';
import { readBytes, readValues, type KrpcResponse } from '../../protocol/krpc.ts';
import { compareDistance } from '../../protocol/node-id.ts';
import { harvestValues, type HarvestOptions, DEFAULT_HARVEST_OPTIONS } from './harvest-values.ts';
import type { KnownNodes } from './known-nodes.ts';
import type { KrpcSocket } from './krpc-socket.ts';

/** BEP 5: k, the bucket size and the number of closest nodes a lookup converges on. */
export const K_CLOSEST = 8;

export interface GetPeersOptions {
  k: number;
  /** Queries in flight for this lookup (Kademlia's alpha; BEP 5 leaves it open, libtorrent uses 3–5 by default). */
  alpha: number;
  queryTimeoutMs: number;
  /** Extra attempts for a node that did not answer, so a lost datagram does not drop a close node. */
  retries: number;
  allowPrivateAddresses: boolean;
  /** Guard against a lookup that never converges (a hostile network feeding endless "closer" nodes). */
  maxQueries: number;
  harvest: HarvestOptions;
}

export const DEFAULT_GET_PEERS_OPTIONS: GetPeersOptions = {
  k: K_CLOSEST,
  alpha: 8,
  queryTimeoutMs: 2000,
  retries: 1,
  allowPrivateAddresses: false,
  maxQueries: 400,
  harvest: DEFAULT_HARVEST_OPTIONS,
};

type CandidateState = 'new' | 'pending' | 'responded' | 'failed';

export interface Candidate {
  contact: NodeContact;
  state: CandidateState;
  attempts: number;
  token?: Buffer;
  /** Distinct value keys of this node's last reply; used by the harvest stage. */
  lastValues?: Set<string>;
}

export interface LookupResult {
  infohash: string;
  peers: Map<string, PeerAddress>;
  respondedNodes: number;
  queriedNodes: number;
  /** The k closest nodes that answered, with the tokens they gave (kept for BEP 33 scrapes and announces). */
  closest: { contact: NodeContact; token?: Buffer }[];
  queries: number;
  harvestQueries: number;
  durationMs: number;
}

/** Shared state of one lookup, used by both stages. */
export class LookupState {
  readonly candidates = new Map<string, Candidate>();
  readonly peers = new Map<string, PeerAddress>();
  queries = 0;

  constructor(
    readonly target: Buffer,
    readonly socket: KrpcSocket,
    readonly options: GetPeersOptions,
  ) {}

  addCandidate(contact: NodeContact): void {
    if (contact.id.equals(this.socket.nodeId) || !isUsablePeer(contact, this.options.allowPrivateAddresses)) {
      this.socket.counters.nodesDropped++;
      return;
    }
    const key = addressKey(contact);
    if (!this.candidates.has(key)) this.candidates.set(key, { contact, state: 'new', attempts: 0 });
  }

  /** Reads values and closer nodes from a reply; returns the value keys it carried. */
  absorbReply(candidate: Candidate, response: KrpcResponse): Set<string> {
    candidate.contact = { ...candidate.contact, id: response.senderId };
    const token = readBytes(response.body, 'token');
    if (token) candidate.token = token;
    const nodes = readBytes(response.body, 'nodes');
    if (nodes) for (const node of decodeCompactNodes(nodes, 4)) this.addCandidate(node);
    const nodes6 = readBytes(response.body, 'nodes6');
    if (nodes6) for (const node of decodeCompactNodes(nodes6, 6)) this.addCandidate(node);
    const keys = new Set<string>();
    let values: Buffer[] = [];
    try {
      values = readValues(response.body);
    } catch {
      this.socket.counters.malformedValuesDropped++;
    }
    for (const value of values) {
      const peer = decodeCompactPeer(value);
      if (!peer) {
        this.socket.counters.malformedValuesDropped++;
        continue;
      }
      if (!isUsablePeer(peer, this.options.allowPrivateAddresses)) {
        this.socket.counters.bogonValuesDropped++;
        continue;
      }
      const key = addressKey(peer);
      keys.add(key);
      if (!this.peers.has(key)) this.peers.set(key, peer);
    }
    return keys;
  }

  /** Sends one get_peers to a candidate; resolves to the value keys of its reply, or undefined on failure. */
  async ask(candidate: Candidate): Promise<Set<string> | undefined> {
    candidate.attempts++;
    this.queries++;
    try {
      const response = await this.socket.query(candidate.contact, 'get_peers', { info_hash: this.target }, this.options.queryTimeoutMs);
      return this.absorbReply(candidate, response);
    } catch {
      return undefined;
    }
  }

  /** Candidates not known to be dead, closest first. */
  liveByDistance(): Candidate[] {
    return [...this.candidates.values()]
      .filter((candidate) => candidate.state !== 'failed')
      .sort((a, b) => compareDistance(this.target, a.contact.id, b.contact.id));
  }
}

async function converge(state: LookupState, knownNodes: KnownNodes): Promise<void> {
  const { k, alpha, retries, maxQueries } = state.options;
  let inFlight = 0;
  await new Promise<void>((resolve) => {
    const pump = (): void => {
      const window = state.liveByDistance().slice(0, k);
      const done = window.every((candidate) => candidate.state === 'responded');
      if ((done || state.queries >= maxQueries) && inFlight === 0) {
        resolve();
        return;
      }
      if (state.queries >= maxQueries) return;
      for (const candidate of window) {
        if (inFlight >= alpha) break;
        if (candidate.state !== 'new') continue;
        candidate.state = 'pending';
        inFlight++;
        void state.ask(candidate).then((values) => {
          inFlight--;
          if (values) {
            candidate.state = 'responded';
            candidate.lastValues = values;
            knownNodes.markAlive(candidate.contact);
          } else if (candidate.attempts <= retries) {
            candidate.state = 'new';
          } else {
            candidate.state = 'failed';
            knownNodes.markFailed(candidate.contact);
          }
          pump();
        });
      }
      if (inFlight === 0 && !window.some((candidate) => candidate.state === 'new')) resolve();
    };
    pump();
  });
}

export async function getPeers(socket: KrpcSocket, knownNodes: KnownNodes, infohash: string, options: Partial<GetPeersOptions> = {}): Promise<LookupResult> {
  const settings = { ...DEFAULT_GET_PEERS_OPTIONS, ...options };
  const startedMs = performance.now();
  const target = Buffer.from(infohash, 'hex');
  const state = new LookupState(target, socket, settings);
  // Start wide: the closest known nodes plus a margin for those that are gone since we saw them.
  for (const contact of knownNodes.closest(target, settings.k * 4)) state.addCandidate(contact);
  if (state.candidates.size === 0) {
    throw new SwarmscopeError('bootstrap_unreachable', 'no DHT node is known: bootstrap first');
  }
  await converge(state, knownNodes);
  const lookupQueries = state.queries;
  await harvestValues(state);
  const responders = [...state.candidates.values()].filter((candidate) => candidate.state === 'responded');
  return {
    infohash,
    peers: state.peers,
    respondedNodes: responders.length,
    queriedNodes: [...state.candidates.values()].filter((candidate) => candidate.attempts > 0).length,
    closest: state
      .liveByDistance()
      .filter((candidate) => candidate.state === 'responded')
      .slice(0, settings.k)
      .map((candidate) => (candidate.token ? { contact: candidate.contact, token: candidate.token } : { contact: candidate.contact })),
    queries: state.queries,
    harvestQueries: state.queries - lookupQueries,
    durationMs: Math.round(performance.now() - startedMs),
  };
}
