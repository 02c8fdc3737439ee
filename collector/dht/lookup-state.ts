/**
 * The state of one get_peers lookup, shared by its stages (converge in get-peers.ts, harvest in
 * harvest-values.ts): the candidate nodes, and every well-formed value with the nodes that
 * returned it. Each node contributes at most `maxValuesPerNode` distinct values per lookup and at
 * most 2k contacts per reply, so a hostile node cannot grow a lookup's memory without bound.
 */
import { isUsablePeer } from '../../core/address-class.ts';
import { isBep42Compliant } from '../../protocol/bep42.ts';
import { addressKey, decodeCompactNodes, decodeCompactPeer, type NodeContact, type PeerAddress } from '../../protocol/compact.ts';
import { readBytes, readValues, type KrpcResponse } from '../../protocol/krpc.ts';
import { compareDistance } from '../../protocol/node-id.ts';
import type { GetPeersOptions } from './get-peers.ts';
import type { KrpcSocket } from './krpc-socket.ts';
import { isBep42Exempt, sourceKey, type SuspectNodes } from './suspect-nodes.ts';

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
   * Sends one get_peers to a candidate; resolves to the value keys of its reply, or undefined on
   * failure. `timedOutBefore`: how many queries to this node in a row went unanswered; each doubles
   * the timeout (RFC 6298 §5.5), so a slow holder is waited for rather than lost.
   */
  async ask(candidate: Candidate, timedOutBefore = 0): Promise<Set<string> | undefined> {
    candidate.attempts++;
    this.queries++;
    try {
      const timeoutMs = timedOutBefore > 0 ? this.socket.backedOffTimeoutMs(timedOutBefore) : undefined;
      const response = await this.socket.query(candidate.contact, 'get_peers', { info_hash: this.target }, timeoutMs);
      return this.absorbReply(candidate, response);
    } catch {
      return undefined;
    }
  }

  /**
   * Asks a node for its closest contacts to another target (BEP 5 find_node) and adds them as
   * candidates; resolves to whether any was new. Used to look around the infohash (neighbourhood.ts).
   */
  async askForContacts(candidate: Candidate, target: Buffer): Promise<boolean> {
    this.queries++;
    try {
      const response = await this.socket.query(candidate.contact, 'find_node', { target });
      const before = this.candidates.size;
      this.addContacts(readBytes(response.body, 'nodes'), 4);
      this.addContacts(readBytes(response.body, 'nodes6'), 6);
      return this.candidates.size > before;
    } catch {
      return false;
    }
  }

  /** Candidates not known to be dead, closest first. */
  liveByDistance(): Candidate[] {
    return [...this.candidates.values()]
      .filter((candidate) => candidate.state !== 'failed')
      .sort((a, b) => compareDistance(this.target, a.contact.id, b.contact.id));
  }
}
