/**
 * One simulated Mainline DHT node (BEP 5): its own UDP socket on its own loopback address, a slice
 * of the shared routing tables, and storage created only when it holds something. Nodes never send
 * queries and have no timers of their own, which keeps 2,000 of them cheap in one process.
 */
import dgram from 'node:dgram';
import { SwarmscopeError } from '../core/errors.ts';
import { encodeCompactPeer } from '../protocol/compact.ts';
import { decodeBencode, isDict } from '../protocol/bencode.ts';
import { parseKrpcMessage } from '../protocol/krpc.ts';
import { AnnouncedPeers } from './announced-peers.ts';
import type { Contact } from './contact.ts';
import { LearnedContacts } from './learned-contacts.ts';
import { answerQuery } from './query-handlers.ts';
import type { SeededPeerList } from './seeded-peer-list.ts';
import type { SimContext } from './sim-context.ts';

/** BEP 43 read-only nodes put `ro: 1` in the top-level dictionary of their queries. */
const READ_ONLY_FLAG = Buffer.from('2:roi1e', 'latin1');

export interface RemoteAddress {
  address: string;
  port: number;
}

export class SimNode {
  private socket?: dgram.Socket;
  port = 0;
  /** Ground-truth torrents this node is one of the K closest to; lists shared by reference. */
  seeded?: Map<string, SeededPeerList>;
  announced?: AnnouncedPeers;
  private learned?: LearnedContacts;

  constructor(
    readonly index: number,
    readonly id: Buffer,
    readonly host: string,
    private readonly context: SimContext,
  ) {}

  bind(port: number): Promise<void> {
    const socket = dgram.createSocket({ type: 'udp4' });
    this.socket = socket;
    return new Promise((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException): void => {
        const hint =
          error.code === 'EADDRINUSE'
            ? 'another socket holds that address and port: use port 0 or another bindHostBase'
            : 'the simulator needs all of 127.0.0.0/8 routed to loopback, as Linux does';
        reject(new SwarmscopeError('internal', `sim: cannot bind a DHT node to ${this.host}:${port}: ${error.code ?? error.message} (${hint})`, { cause: error }));
      };
      socket.once('error', onError);
      socket.bind(port, this.host, () => {
        socket.off('error', onError);
        // A send failing (e.g. the querier's port closed) must never take the process down.
        socket.on('error', () => {});
        socket.on('message', (datagram, remote) => this.receive(datagram, remote));
        this.port = socket.address().port;
        resolve();
      });
    });
  }

  holdSeeded(infohashHex: string, peers: SeededPeerList): void {
    (this.seeded ??= new Map()).set(infohashHex, peers);
  }

  storeAnnounced(infohashHex: string, compactPeer: Buffer, seed: boolean): boolean {
    const stored = (this.announced ??= new AnnouncedPeers()).add(infohashHex, compactPeer, seed, this.context.nowMs());
    if (stored) {
      let holders = this.context.announcedHolders.get(infohashHex);
      if (!holders) this.context.announcedHolders.set(infohashHex, (holders = new Set()));
      holders.add(this.index);
    }
    return stored;
  }

  /** The seeded routing table, then the outside nodes that queried this one. */
  *knownContacts(): Iterable<Contact> {
    const { offsets, contacts } = this.context.tables;
    const end = offsets[this.index + 1]!;
    for (let slot = offsets[this.index]!; slot < end; slot++) {
      // Undefined only while the swarm is still binding: the contact's port is not known yet.
      const contact = this.context.contacts[contacts[slot]!];
      if (contact) yield contact;
    }
    if (this.learned) yield* this.learned.live(this.context.nowMs());
  }

  close(): Promise<void> {
    const socket = this.socket;
    this.socket = undefined;
    if (!socket) return Promise.resolve();
    return new Promise((resolve) => {
      try {
        socket.close(() => resolve());
      } catch {
        resolve(); // already closed
      }
    });
  }

  private receive(datagram: Buffer, remote: RemoteAddress): void {
    const { stats, conditions } = this.context;
    stats.datagrams++;
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
    if (!isReadOnlyQuery(datagram)) this.rememberQuerier(message.senderId, remote);
    let reply: Buffer;
    try {
      reply = answerQuery(this, this.context, message, remote);
    } catch {
      // A handler bug must cost one reply, not the node: count it and stay up.
      stats.ignored++;
      return;
    }
    conditions.schedule(() => this.socket?.send(reply, remote.port, remote.address));
  }

  private rememberQuerier(senderId: Buffer, remote: RemoteAddress): void {
    if (remote.port === 0) return;
    const compactNode = Buffer.concat([senderId, encodeCompactPeer({ host: remote.address, port: remote.port })]);
    (this.learned ??= new LearnedContacts()).remember(`${remote.address}:${remote.port}`, senderId, compactNode, this.context.nowMs());
  }
}

/** The byte search is a cheap filter; only a hit pays for a second decode of the top level. */
function isReadOnlyQuery(datagram: Buffer): boolean {
  if (!datagram.includes(READ_ONLY_FLAG)) return false;
  const { value } = decodeBencode(datagram);
  return isDict(value) && value.ro === 1;
}
