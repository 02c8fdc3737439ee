/**
 * One simulated Mainline DHT node (BEP 5): its own UDP socket on its own loopback address (and,
 * with BEP 32 on, a second one on `::1` with the same node id), a slice of the shared routing
 * tables, and storage created only when it holds something. Nodes never send queries and have no
 * timers of their own, which keeps 2,000 of them cheap in one process.
 */
import type dgram from 'node:dgram';
import { encodeCompactPeer } from '../protocol/compact.ts';
import { decodeBencode, isDict } from '../protocol/bencode.ts';
import { parseKrpcMessage } from '../protocol/krpc.ts';
import { AnnouncedPeers } from './announced-peers.ts';
import { DosBlocker } from './dos-blocker.ts';
import { JECH_MAX_PEERS } from './internet-profile.ts';
import type { NodeKind } from './node-kinds.ts';
import { NodeStorage, type StoredPeers } from './stored-peers.ts';
import { UploadQuota } from './upload-quota.ts';
import type { SeededPeerList } from './seeded-peer-list.ts';
import type { Contact } from './contact.ts';
import { type HostileState, answerHostile } from './hostile-replies.ts';
import { LearnedContacts } from './learned-contacts.ts';
import { type RemoteAddress, bindNodeSocket, closeNodeSocket } from './node-socket.ts';
import { answerQuery } from './query-handlers.ts';
import type { InfohashSample } from './sample-infohashes.ts';
import type { SeededTorrent } from './seeded-torrents.ts';
import type { SimContext } from './sim-context.ts';
import type { IpFamily } from './synthetic-addresses.ts';

export type { RemoteAddress } from './node-socket.ts';

/** Blocks named in the stats, at most: enough for any test, bounded for a long run. */
const MAX_BLOCK_LOG = 1000;
/** BEP 43 read-only nodes put `ro: 1` in the top-level dictionary of their queries. */
const READ_ONLY_FLAG = Buffer.from('2:roi1e', 'latin1');
/** BEP 32 in a sandbox: every node's IPv6 side shares the loopback address, told apart by port. */
export const SIM_IPV6_HOST = '::1';

export class SimNode {
  private readonly sockets: Partial<Record<IpFamily, dgram.Socket>> = {};
  private readonly learned: Partial<Record<IpFamily, LearnedContacts>> = {};
  port = 0;
  /** 0 until bound, and without `ipv6`. */
  port6 = 0;
  /** Ground-truth torrents this node is one of the K closest honest nodes to; shared by reference. */
  seeded?: Map<string, SeededTorrent>;
  announced?: AnnouncedPeers;
  /** BEP 51: the cached `samples` of sample_infohashes (sample-infohashes.ts); created on the first query. */
  infohashSample?: InfohashSample;
  /** Set for hostile nodes only: they answer in their own way (hostile-replies.ts). */
  readonly hostile?: HostileState;
  /** Internet profile: created on first use, only when the profile turns them on. */
  private storage?: NodeStorage;
  private blocker?: DosBlocker;
  private quota?: UploadQuota;

  constructor(
    readonly index: number,
    readonly id: Buffer,
    readonly host: string,
    private readonly context: SimContext,
  ) {
    const behaviour = context.hostileBehaviourOf.get(index);
    if (behaviour) this.hostile = { behaviour, turn: 0 };
  }

  async bind(port: number, ipv6: boolean): Promise<void> {
    this.sockets[4] = await bindNodeSocket(this.host, port, 4, (datagram, remote) => this.receive(datagram, remote));
    this.port = this.sockets[4].address().port;
    if (!ipv6) return;
    // One shared address: a fixed port would collide, so the kernel picks one per node.
    this.sockets[6] = await bindNodeSocket(SIM_IPV6_HOST, 0, 6, (datagram, remote) => this.receive(datagram, remote));
    this.port6 = this.sockets[6].address().port;
  }

  hostOf(family: IpFamily): string {
    return family === 4 ? this.host : SIM_IPV6_HOST;
  }

  portOf(family: IpFamily): number {
    return family === 4 ? this.port : this.port6;
  }

  send(datagram: Buffer, remote: RemoteAddress): void {
    this.sockets[remote.family]?.send(datagram, remote.port, remote.address);
  }

  holdSeeded(torrent: SeededTorrent): void {
    // A holder stays: a sweep's ground truth is what the holders store (churn.ts).
    this.context.nodeKinds.churnable[this.index] = 0;
    // Announced to, but stores nothing (storage off or full): its slot is lost to the swarm.
    if (this.kind === 'store-nothing') return;
    (this.seeded ??= new Map()).set(torrent.infohash, torrent);
  }

  get kind(): NodeKind {
    return this.context.nodeKinds.kinds[this.index]!;
  }

  get isDead(): boolean {
    return this.context.nodeKinds.dead[this.index] === 1;
  }

  /** Peers per infohash and family this node keeps; 0 = no cap. */
  get capacity(): number {
    return this.kind === 'slice50' ? JECH_MAX_PEERS : this.context.knobs.maxPeersPerNode;
  }

  /** What this node stores of a seeded list: all of it, or its own capped subset (stored-peers.ts). */
  storedOf(infohashHex: string, list: SeededPeerList): StoredPeers {
    if (this.capacity <= 0) return list;
    return (this.storage ??= new NodeStorage(this.capacity, `store:${this.index}`, this.context.seed)).view(infohashHex, list);
  }

  storeAnnounced(infohashHex: string, compactPeer: Buffer, seed: boolean): boolean {
    const { knobs, storageRandom } = this.context;
    const seededList = this.seeded?.get(infohashHex);
    const family = compactPeer.length === 6 ? 4 : 6;
    const seededStored = seededList ? this.storedOf(infohashHex, family === 4 ? seededList.peers : seededList.peersV6).count : 0;
    const limits = this.capacity > 0 ? { capacity: this.capacity - seededStored, policy: knobs.storageFull, random: storageRandom } : undefined;
    const stored = (this.announced ??= new AnnouncedPeers()).add(infohashHex, compactPeer, seed, this.context.nowMs(), limits);
    if (stored) {
      let holders = this.context.announcedHolders.get(infohashHex);
      if (!holders) this.context.announcedHolders.set(infohashHex, (holders = new Set()));
      holders.add(this.index);
    }
    return stored;
  }

  /** The seeded routing table of that family, then the outside nodes that queried this one over it. */
  *knownContacts(family: IpFamily): Iterable<Contact> {
    const network = this.context.networks[family];
    if (!network) return;
    const { offsets, contacts } = network.tables;
    const end = offsets[this.index + 1]!;
    for (let slot = offsets[this.index]!; slot < end; slot++) {
      // Undefined only while the swarm is still binding: the contact's port is not known yet.
      const contact = network.contacts[contacts[slot]!];
      if (contact) yield contact;
    }
    const learned = this.learned[family];
    if (learned) yield* learned.live(this.context.nowMs());
  }

  async close(): Promise<void> {
    const sockets = Object.values(this.sockets);
    delete this.sockets[4];
    delete this.sockets[6];
    await Promise.all(sockets.map(closeNodeSocket));
  }

  private receive(datagram: Buffer, remote: RemoteAddress): void {
    const { stats, conditions, knobs } = this.context;
    stats.datagrams++;
    if (remote.family === 6) stats.datagramsV6++;
    if (this.isDead) {
      stats.profile.deadDropped++;
      return;
    }
    const nowMs = this.context.nowMs();
    // libtorrent checks its blocker before decoding anything (dht_tracker.cpp incoming_packet).
    if (knobs.blockRatePerSec > 0) {
      this.blocker ??= new DosBlocker(knobs.blockRatePerSec, knobs.blockTimeoutSec * 1000, ({ ip, atMs }) => this.recordBlock(ip, atMs));
      if (!this.blocker.incoming(remote.address, nowMs)) {
        stats.profile.blockedDropped++;
        return;
      }
    }
    let message;
    try {
      message = parseKrpcMessage(datagram);
    } catch {
      // BEP 5 leaves malformed packets unanswered; a simulator must survive any bytes.
      stats.ignored++;
      return;
    }
    if (message.kind !== 'query') {
      stats.ignored++;
      return;
    }
    if (conditions.dropsQuery()) {
      stats.dropped++;
      return;
    }
    if (knobs.uploadBytesPerSec > 0 && !(this.quota ??= new UploadQuota(knobs.uploadBytesPerSec, nowMs)).hasQuota(nowMs)) {
      stats.profile.quotaDropped++;
      return;
    }
    let reply: Buffer | undefined;
    let afterwards: (() => void) | undefined;
    try {
      if (this.hostile) {
        ({ reply, afterwards } = answerHostile(this, this.hostile, this.context, message, remote));
      } else {
        if (!isReadOnlyQuery(datagram)) this.rememberQuerier(message.senderId, remote);
        reply = answerQuery(this, this.context, message, remote);
      }
    } catch {
      // A handler bug must cost one reply, not the node: count it and stay up.
      stats.ignored++;
      return;
    }
    if (reply) this.quota?.spend(reply.length);
    conditions.schedule(() => {
      if (reply) this.send(reply, remote);
      afterwards?.();
    });
  }

  private recordBlock(ip: string, atMs: number): void {
    const { profile } = this.context.stats;
    profile.blocks++;
    const event = { node: `${this.host}:${this.port}`, ip, atMs };
    if (profile.blockLog.length < MAX_BLOCK_LOG) profile.blockLog.push(event);
    this.context.onBlock?.(event);
  }

  private rememberQuerier(senderId: Buffer, remote: RemoteAddress): void {
    if (remote.port === 0) return;
    const compactNode = Buffer.concat([senderId, encodeCompactPeer({ host: remote.address, port: remote.port })]);
    (this.learned[remote.family] ??= new LearnedContacts()).remember(`${remote.address}:${remote.port}`, senderId, compactNode, this.context.nowMs());
  }
}

/** The byte search is a cheap filter; only a hit pays for a second decode of the top level. */
function isReadOnlyQuery(datagram: Buffer): boolean {
  if (!datagram.includes(READ_ONLY_FLAG)) return false;
  const { value } = decodeBencode(datagram);
  return isDict(value) && value.ro === 1;
}
