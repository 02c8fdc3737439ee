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
 *
 * What counts (defences against poisoned and sybil nodes, measured by the hostile-sim tests):
 * a value counts as a peer only if at least two distinct nodes among the 2k closest responders
 * returned it. A fabricating node cannot corroborate itself; values from nodes far from the
 * infohash are not counted, and such nodes get strikes (`suspect-nodes.ts`). Each node contributes
 * at most `maxValuesPerNode` distinct values per lookup, and at most 2k contacts per reply, so a
 * hostile node cannot grow a lookup's memory without bound.
 */
import { SwarmscopeError } from '../../core/errors.ts';
import { isUsablePeer } from '../../core/address-class.ts';
import { addressKey, decodeCompactNodes, decodeCompactPeer, type NodeContact, type PeerAddress } from '../../protocol/compact.ts';
import { readBytes, readValues, type KrpcResponse } from '../../protocol/krpc.ts';
import { compareDistance } from '../../protocol/node-id.ts';
import { isBep42Compliant } from '../../protocol/bep42.ts';
import { isBep42Exempt, sourceKey, SuspectNodes } from './suspect-nodes.ts';
import { harvestValues, type HarvestOptions, DEFAULT_HARVEST_OPTIONS } from './harvest-values.ts';
import type { KnownNodes } from './known-nodes.ts';
import type { KrpcSocket } from './krpc-socket.ts';

/** BEP 5: k, the bucket size and the number of closest nodes a lookup converges on. */
export const K_CLOSEST = 8;

export interface GetPeersOptions {
  k: number;
  /** Queries in flight for this lookup (Kademlia's alpha; BEP 5 leaves it open, libtorrent uses 3–5 by default). */
  alpha: number;
  /** Extra attempts for a node that did not answer, so a lost datagram does not drop a close node. */
  retries: number;
  allowPrivateAddresses: boolean;
  /** Guard against a lookup that never converges (a hostile network feeding endless "closer" nodes). */
  maxQueries: number;
  /** Distinct values one node may contribute to one lookup. */
  maxValuesPerNode: number;
  harvest: HarvestOptions;
  /** Called with each value the first time any node returns it (before corroboration). */
  onValue?: (peer: PeerAddress) => void;
}

export const DEFAULT_GET_PEERS_OPTIONS: GetPeersOptions = {
  k: K_CLOSEST,
  alpha: 8,
  retries: 1,
  allowPrivateAddresses: false,
  maxQueries: 400,
  maxValuesPerNode: 20_000,
  harvest: DEFAULT_HARVEST_OPTIONS,
};

/** Corroboration needs this many distinct near nodes per value. */
export const MIN_SOURCES_PER_VALUE = 2;
/** A near node is judged a fabricator only once it gave this many values and none was confirmed. */
const MIN_VALUES_TO_JUDGE = 10;
/** Sources remembered per value: enough to find two near ones among far or suspect ones. */
const MAX_SOURCES_PER_VALUE = 8;

type CandidateState = 'new' | 'pending' | 'responded' | 'failed';

export interface Candidate {
  contact: NodeContact;
  state: CandidateState;
  attempts: number;
  token?: Buffer;
  /** Distinct value keys of this node's last reply; used by the harvest stage. */
  lastValues?: Set<string>;
  /** Distinct values this node contributed in this lookup. */
  valuesGiven: number;
  bep42Checked?: boolean;
}

export interface LookupResult {
  infohash: string;
  /** Corroborated peers: each returned by at least two distinct nodes near the infohash. */
  peers: Map<string, PeerAddress>;
  /** Values returned by only one near node: reported, not counted. */
  uncorroborated: number;
  /** Values only far or suspect nodes returned. */
  farOrSuspectOnly: number;
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
  /** Every well-formed value seen, and the sources (node identities) that returned it. */
  readonly values = new Map<string, { peer: PeerAddress; sources: string[] }>();
  queries = 0;

  constructor(
    readonly target: Buffer,
    readonly socket: KrpcSocket,
    readonly options: GetPeersOptions,
    readonly suspects: SuspectNodes,
  ) {}

  addCandidate(contact: NodeContact): void {
    if (contact.id.equals(this.socket.nodeId) || !isUsablePeer(contact, this.options.allowPrivateAddresses)) {
      this.socket.counters.nodesDropped++;
      return;
    }
    const key = addressKey(contact);
    if (!this.candidates.has(key)) this.candidates.set(key, { contact, state: 'new', attempts: 0, valuesGiven: 0 });
  }

  private addContacts(field: Buffer | undefined, family: 4 | 6): void {
    if (!field) return;
    const contacts = decodeCompactNodes(field, family);
    const cap = 2 * this.options.k;
    if (contacts.length > cap) this.socket.counters.nodesOverCap += contacts.length - cap;
    for (const contact of contacts.slice(0, cap)) this.addCandidate(contact);
  }

  private checkBep42(candidate: Candidate, id: Buffer): void {
    if (candidate.bep42Checked) return;
    candidate.bep42Checked = true;
    const counters = this.socket.counters;
    if (isBep42Exempt(candidate.contact.host)) counters.bep42Exempt++;
    else if (isBep42Compliant(id, candidate.contact.host)) counters.bep42Compliant++;
    else counters.bep42NonCompliant++;
  }

  /** Reads values and closer nodes from a reply; returns the value keys it carried. */
  absorbReply(candidate: Candidate, response: KrpcResponse): Set<string> {
    this.checkBep42(candidate, response.senderId);
    candidate.contact = { ...candidate.contact, id: response.senderId };
    const token = readBytes(response.body, 'token');
    if (token) candidate.token = token;
    this.addContacts(readBytes(response.body, 'nodes'), 4);
    this.addContacts(readBytes(response.body, 'nodes6'), 6);
    const counters = this.socket.counters;
    const keys = new Set<string>();
    let values: Buffer[] = [];
    try {
      values = readValues(response.body);
    } catch {
      counters.malformedValuesDropped++;
    }
    const source = sourceKey(candidate.contact);
    for (const value of values) {
      const peer = decodeCompactPeer(value);
      if (!peer) {
        counters.malformedValuesDropped++;
        continue;
      }
      if (!isUsablePeer(peer, this.options.allowPrivateAddresses)) {
        counters.bogonValuesDropped++;
        continue;
      }
      const key = addressKey(peer);
      if (keys.has(key)) continue;
      keys.add(key);
      const known = this.values.get(key);
      if (known?.sources.includes(source)) continue;
      if (candidate.valuesGiven >= this.options.maxValuesPerNode) {
        counters.valuesOverNodeCap++;
        continue;
      }
      candidate.valuesGiven++;
      if (known) {
        if (known.sources.length < MAX_SOURCES_PER_VALUE) known.sources.push(source);
      } else {
        this.values.set(key, { peer, sources: [source] });
        this.options.onValue?.(peer);
      }
    }
    return keys;
  }

  /**
   * The verdict: which values count. Near = the 2k closest responders that are not suspects.
   * Strikes go to responders outside it that returned values (honest nodes hold values only near
   * the infohash), and to near responders none of whose values another node confirms while other
   * near nodes confirm each other (a fabricator among honest holders).
   */
  countPeers(): { peers: Map<string, PeerAddress>; uncorroborated: number; farOrSuspectOnly: number } {
    const responders = this.liveByDistance().filter((candidate) => candidate.state === 'responded');
    const near = new Set<string>();
    for (const candidate of responders) {
      const source = sourceKey(candidate.contact);
      if (this.suspects.isSuspect(source)) continue;
      if (near.size < 2 * this.options.k) near.add(source);
    }
    const peers = new Map<string, PeerAddress>();
    const confirmedBySource = new Map<string, number>();
    let uncorroborated = 0;
    let farOrSuspectOnly = 0;
    for (const [key, { peer, sources }] of this.values) {
      const nearSources = sources.filter((source) => near.has(source));
      if (nearSources.length >= MIN_SOURCES_PER_VALUE) {
        peers.set(key, peer);
        for (const source of nearSources) confirmedBySource.set(source, (confirmedBySource.get(source) ?? 0) + 1);
      } else if (nearSources.length === 1) uncorroborated++;
      else farOrSuspectOnly++;
    }
    const counters = this.socket.counters;
    const confirmingNodes = [...confirmedBySource.values()].filter((confirmed) => confirmed > 0).length;
    for (const candidate of responders) {
      const source = sourceKey(candidate.contact);
      if (candidate.valuesGiven === 0) continue;
      let strike = false;
      if (!near.has(source)) {
        if (this.suspects.isSuspect(source)) counters.valuesFromSuspects += candidate.valuesGiven;
        else counters.valuesFromFarNodes += candidate.valuesGiven;
        strike = true;
      } else if (candidate.valuesGiven >= MIN_VALUES_TO_JUDGE && (confirmedBySource.get(source) ?? 0) === 0 && confirmingNodes >= MIN_SOURCES_PER_VALUE) {
        strike = true;
      }
      if (strike && this.suspects.strike(source)) counters.suspectNodes++;
    }
    return { peers, uncorroborated, farOrSuspectOnly };
  }

  /** Sends one get_peers to a candidate; resolves to the value keys of its reply, or undefined on failure. */
  async ask(candidate: Candidate): Promise<Set<string> | undefined> {
    candidate.attempts++;
    this.queries++;
    try {
      const response = await this.socket.query(candidate.contact, 'get_peers', { info_hash: this.target });
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

export async function getPeers(
  socket: KrpcSocket,
  knownNodes: KnownNodes,
  infohash: string,
  options: Partial<GetPeersOptions> = {},
  suspects = new SuspectNodes(),
): Promise<LookupResult> {
  const settings = { ...DEFAULT_GET_PEERS_OPTIONS, ...options };
  const startedMs = performance.now();
  const target = Buffer.from(infohash, 'hex');
  const state = new LookupState(target, socket, settings, suspects);
  // Start wide: the closest known nodes plus a margin for those that are gone since we saw them.
  for (const contact of knownNodes.closest(target, settings.k * 4)) state.addCandidate(contact);
  if (state.candidates.size === 0) {
    throw new SwarmscopeError('bootstrap_unreachable', 'no DHT node is known: bootstrap first');
  }
  await converge(state, knownNodes);
  const lookupQueries = state.queries;
  await harvestValues(state);
  const responders = [...state.candidates.values()].filter((candidate) => candidate.state === 'responded');
  const verdict = state.countPeers();
  return {
    infohash,
    ...verdict,
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
