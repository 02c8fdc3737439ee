/**
 * A scripted BitTorrent peer on loopback, built with the same modules as the collector
 * (bittorrent-protocol, ut_metadata, ut_pex), for probe tests: it answers the handshake (with the
 * right infohash or a wrong one), serves metadata (right, forged, or a declared size only), says
 * what pieces it has, may send one PEX message, or never says anything at all. It records what
 * the prober sent, so tests can prove that no payload was ever requested.
 */
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import Wire from 'bittorrent-protocol';
import utMetadata from 'ut_metadata';
import utPex from 'ut_pex';
import { encodeBencode } from '../../protocol/bencode.ts';
import { encodeCompactPeer } from '../../protocol/compact.ts';

export interface ScriptedPeerOptions {
  /** Loopback address to listen on (127.0.0.0/8). Default 127.0.0.1. */
  host?: string;
  /** Answer the handshake with this infohash instead of the one asked for. */
  answerInfohash?: string;
  /** Info dictionary served over ut_metadata (may hash to something else: a forged one). */
  info?: Buffer;
  /** Offer ut_metadata with this metadata_size and no data behind it (an oversized claim). */
  declaredMetadataSize?: number;
  pieces?: 'have-all' | 'have-none' | 'silent' | { bitfield: Buffer };
  /** `host:port` entries sent in one PEX message once the prober's extended handshake arrives. */
  pex?: { host: string; port: number }[];
  /** A raw ut_pex message to send after the extended handshake instead of `pex`. */
  rawPexMessage?: Buffer;
  /** BEP 10 `v`; default none. */
  clientVersion?: string;
  /** Default `-qB4520-` + random: qBittorrent 4.5.2. */
  peerId?: Buffer;
  /** Accept TCP connections and never send a byte. */
  mute?: boolean;
  /** Answer each ut_metadata request with 16 KiB of data for this piece index (hostile when past the declared size). */
  metadataPieceIndex?: number;
}

export interface ScriptedPeer {
  host: string;
  port: number;
  connections: number;
  /** BEP 3 `request` messages received: must stay 0. */
  payloadRequests: number;
  /** ut_metadata messages received (requests for metadata pieces). */
  metadataMessages: number;
  interested: number;
  close(): Promise<void>;
}

export async function startScriptedPeer(options: ScriptedPeerOptions = {}): Promise<ScriptedPeer> {
  const sockets = new Set<net.Socket>();
  const state = { connections: 0, payloadRequests: 0, metadataMessages: 0, interested: 0 };
  const server = net.createServer((socket) => {
    state.connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    if (options.mute) return;
    const wire = new Wire();
    wire.on('error', () => {});
    socket.pipe(wire as unknown as NodeJS.WritableStream);
    wire.pipe(socket);
    if (options.info) wire.use(utMetadata(options.info));
    else if (options.declaredMetadataSize !== undefined) wire.use(utMetadata());
    wire.use(utPex());
    if (options.declaredMetadataSize !== undefined) wire.extendedHandshake.metadata_size = options.declaredMetadataSize;
    if (options.clientVersion) wire.extendedHandshake.v = options.clientVersion;
    wire.on('request', () => state.payloadRequests++);
    wire.on('interested', () => state.interested++);
    wire.on('extended', (name: unknown) => {
      if (name === 'ut_metadata') state.metadataMessages++;
      if (name === 'ut_metadata' && options.metadataPieceIndex !== undefined) {
        const header = encodeBencode({ msg_type: 1, piece: options.metadataPieceIndex, total_size: options.declaredMetadataSize ?? 16384 });
        wire.extended('ut_metadata', Buffer.concat([header, Buffer.alloc(16384)]));
      }
      if (name === 'handshake' && options.rawPexMessage) wire.extended('ut_pex', options.rawPexMessage);
      if (name === 'handshake' && options.pex) {
        const v4 = options.pex.filter((peer) => net.isIPv4(peer.host));
        const v6 = options.pex.filter((peer) => net.isIPv6(peer.host));
        wire.extended('ut_pex', { added: Buffer.concat(v4.map(encodeCompactPeer)), added6: Buffer.concat(v6.map(encodeCompactPeer)) });
      }
    });
    wire.on('handshake', (infohash: string) => {
      const peerId = options.peerId ?? Buffer.concat([Buffer.from('-qB4520-'), randomBytes(12)]);
      wire.handshake(options.answerInfohash ?? infohash, peerId, { dht: false, fast: true });
      const pieces = options.pieces ?? 'have-all';
      if (pieces === 'have-all') wire.haveAll();
      else if (pieces === 'have-none') wire.haveNone();
      else if (pieces !== 'silent') wire.bitfield(pieces.bitfield);
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const { port } = server.address() as net.AddressInfo;
  return {
    host,
    port,
    get connections() {
      return state.connections;
    },
    get payloadRequests() {
      return state.payloadRequests;
    },
    get metadataMessages() {
      return state.metadataMessages;
    },
    get interested() {
      return state.interested;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A loopback TCP port with nothing listening (bound, then released): connecting is refused. */
export async function closedTcpPort(host = '127.0.0.1'): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, host, () => resolve()));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
