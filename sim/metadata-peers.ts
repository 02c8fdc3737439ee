/**
 * Sim peers that serve metadata: real TCP listeners on loopback that speak the BEP 3 handshake,
 * the BEP 10 extended handshake and BEP 9 ut_metadata for every catalogue torrent they are a peer
 * of, built on the same modules as the collector's prober (bittorrent-protocol, ut_metadata). One
 * listener serves many torrents: the handshake names the infohash, and an unknown one is refused by
 * closing the connection, as real clients do. A torrent may come with a PEX list instead of (or
 * besides) metadata (sim/pex-swarms.ts): the listener then names those peers in one ut_pex message.
 * They hold no payload: after the handshake they say
 * have_none (BEP 6) or send an all-zero bitfield, and never answer a `request`.
 */
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import Wire from 'bittorrent-protocol';
import utMetadata from 'ut_metadata';
import { SwarmscopeError } from '../core/errors.ts';
import { pexSender } from './pex-sender.ts';
import type { MetadataPeerStats } from './sim-context.ts';

/** BEP 20 peer id prefix and BEP 10 `v`: the sim says what it is. */
const PEER_ID_PREFIX = '-SS0100-';
export const SIM_PEER_CLIENT_VERSION = 'swarmscope-sim 0.1.0';
/** A connection that stays idle this long is dropped: a peer never needs more for metadata. */
const IDLE_TIMEOUT_MS = 60_000;

/** What a listener needs to know of a torrent it serves (catalogue.ts CatalogueTorrent fits). */
export interface ServedTorrent {
  readonly infohash: string;
  readonly pieceCount: number;
  /** The bencoded info dictionary, served over ut_metadata (BEP 9); a peer without it only handshakes. */
  infoBytes?(): Buffer;
  /** Compact IPv4 peers (BEP 11 `added`) this listener names in the one PEX message it sends per connection. */
  readonly pexAdded?: Buffer;
}

type ExtensionHandler = { onMessage?: (payload: unknown) => void };

export class MetadataPeer {
  private readonly served = new Map<string, ServedTorrent>();
  private readonly sockets = new Set<net.Socket>();
  port = 0;

  private constructor(
    readonly host: string,
    private readonly server: net.Server,
    private readonly stats: MetadataPeerStats,
  ) {
    server.on('connection', (socket) => this.accept(socket));
  }

  static async listen(host: string, stats: MetadataPeerStats): Promise<MetadataPeer> {
    const server = net.createServer();
    const peer = new MetadataPeer(host, server, stats);
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) => {
        reject(new SwarmscopeError('internal', `sim: cannot listen for metadata peers on ${host}: ${error.code ?? error.message} (the simulator needs all of 127.0.0.0/8 routed to loopback)`, { cause: error }));
      });
      server.listen(0, host, () => resolve());
    });
    server.on('error', () => {});
    peer.port = (server.address() as net.AddressInfo).port;
    return peer;
  }

  serve(torrent: ServedTorrent): void {
    this.served.set(torrent.infohash, torrent);
  }

  serves(infohash: string): boolean {
    return this.served.has(infohash);
  }

  close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: net.Socket): void {
    const { stats } = this;
    stats.connections++;
    this.sockets.add(socket);
    const wire = new Wire();
    const close = (): void => {
      socket.destroy();
      if (!wire.destroyed) wire.destroy();
    };
    socket.on('close', () => {
      this.sockets.delete(socket);
      close();
    });
    socket.on('error', close);
    socket.setTimeout(IDLE_TIMEOUT_MS, close);
    wire.on('error', close);
    wire.on('close', close);
    wire.on('request', () => stats.payloadRequests++);
    wire.on('extended', (name: unknown) => {
      if (name === 'ut_metadata') stats.metadataRequests++;
    });
    wire.once('handshake', (infohash: string) => {
      const torrent = this.served.get(infohash);
      if (!torrent) {
        stats.refused++;
        close();
        return;
      }
      stats.handshakes++;
      // Registered now, once the infohash is known: the wire sends the BEP 10 handshake (with
      // ut_metadata's id and metadata_size) as part of our reply below.
      if (torrent.infoBytes) {
        wire.use(utMetadata(torrent.infoBytes()));
        containExtension((wire as unknown as { ut_metadata: ExtensionHandler }).ut_metadata, close);
      }
      if (torrent.pexAdded) wire.use(pexSender(torrent.pexAdded, () => stats.pexMessages++));
      wire.extendedHandshake.v = SIM_PEER_CLIENT_VERSION;
      wire.handshake(infohash, Buffer.concat([Buffer.from(PEER_ID_PREFIX, 'latin1'), randomBytes(12)]), { dht: true, fast: true });
      // BEP 6 (fast): have_none; without it, BEP 3's bitfield with no bit set.
      if (wire.hasFast) wire.haveNone();
      else wire.bitfield(new Uint8Array(Math.ceil(torrent.pieceCount / 8)));
    });
    socket.pipe(wire as unknown as NodeJS.WritableStream);
    wire.pipe(socket);
  }
}

/**
 * ut_metadata 5.0.1 can throw on a malformed message (e.g. a bencoded `null`), inside the wire's
 * stream write path where nothing would catch it: one bad peer must cost its connection, not the sim.
 */
function containExtension(handler: ExtensionHandler, onFailure: () => void): void {
  const original = handler.onMessage?.bind(handler);
  if (!original) return;
  handler.onMessage = (payload: unknown) => {
    try {
      original(payload);
    } catch {
      onFailure();
    }
  };
}

/** Listener i (from 0) at `${hostBase}.0.${i + 1}`: its own loopback address, apart from the DHT nodes. */
export function metadataPeerHost(hostBase: string, index: number): string {
  return `${hostBase}.0.${index + 1}`;
}

export async function startMetadataPeers(hostBase: string, count: number, stats: MetadataPeerStats): Promise<MetadataPeer[]> {
  const started = await Promise.allSettled(Array.from({ length: count }, (_, index) => MetadataPeer.listen(metadataPeerHost(hostBase, index), stats)));
  const peers = started.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
  const failure = started.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
  if (failure) {
    await Promise.all(peers.map((peer) => peer.close()));
    throw failure.reason;
  }
  return peers;
}
