/**
 * Opens a peer-wire session: TCP connect (connect.ts), our BEP 3 handshake with the extension
 * protocol bit (BEP 10) and the fast extension bit (BEP 6) set, then the peer's handshake, which
 * must name the same infohash. Everything the peer says is recorded from the first byte on, since
 * its handshake, extended handshake and bitfield often arrive in one TCP segment.
 *
 * Bounds: a received-bytes cap per connection (the wire library buffers a message of any declared
 * length), and the outgoing guard that stops any payload request (outgoing-guard.ts).
 */
import { randomBytes } from 'node:crypto';
import type net from 'node:net';
import Wire from 'bittorrent-protocol';
import utMetadata, { type UtMetadata } from 'ut_metadata';
import utPex, { type UtPex } from 'ut_pex';
import { guardExtendedMessages } from './extended-message-guard.ts';
import { connectTcp, type ConnectOptions } from './connect.ts';
import { OutgoingGuard } from './outgoing-guard.ts';
import { PeerWireFailure } from './peer-wire-failure.ts';
import { PexCollector } from './pex.ts';
import { PieceTracker } from './piece-evidence.ts';

/** BEP 10 `v`: we say who we are. BEP 20 peer id prefix `-SW0100-` (swarmscope 0.1.0), random tail per session. */
export const CLIENT_VERSION = 'swarmscope 0.1.0';
const PEER_ID_PREFIX = '-SW0100-';

export interface SessionOptions {
  /** 40 lowercase hex. */
  infohash: string;
  connect: ConnectOptions;
  handshakeTimeoutMs: number;
  /** The connection is dropped once the peer has sent more than this. */
  maxReceivedBytes: number;
  /** Offer ut_metadata (BEP 9) only when metadata is to be fetched over this connection. */
  offerMetadata: boolean;
  allowPrivateAddresses: boolean;
}

export interface PeerSession {
  wire: Wire;
  peerId: Buffer;
  metadata?: UtMetadata;
  pieces: PieceTracker;
  pex: PexCollector;
  /** Message ids we sent, with counts (from the outgoing guard). */
  sentIds: ReadonlyMap<number, number>;
  /** True once the peer's BEP 10 handshake arrived. */
  readonly extendedHandshakeSeen: boolean;
  readonly closed: boolean;
  /** A failure that ended the session: too much data, or the guard stopping a payload message (a bug). */
  readonly failure: Error | null;
  /** Resolves when `done()` holds, the session closes, or the deadline passes (performance.now() ms). */
  waitUntil(done: () => boolean, deadlineMs: number): Promise<void>;
  /** Makes waiters re-check their condition (for events the session does not follow itself). */
  changed(): void;
  close(): void;
}

/** The BEP 10 hooks the wire calls on an extension (payload bytes, or the peer's decoded handshake). */
type ExtensionHandler = Partial<Record<'onMessage' | 'onExtendedHandshake', (argument: unknown) => void>>;

/**
 * The wire runs extension handlers inside its stream's write path, which streamx drives from a
 * microtask: an exception there (ut_metadata 5.0.1 throws a RangeError on a data message whose
 * piece index lies past the declared size) would be uncaught and end the whole collector. So every
 * handler call is caught, and the peer that caused it is dropped. Only the first BEP 10 handshake
 * reaches the handlers: a second one with a new metadata_size would make ut_metadata start over
 * with a buffer of that size, past the bound checked before the fetch.
 */
function containExtension(handler: ExtensionHandler, onFailure: () => void): void {
  let handshakes = 0;
  for (const method of ['onMessage', 'onExtendedHandshake'] as const) {
    const original = handler[method]?.bind(handler);
    if (!original) continue;
    handler[method] = (argument: unknown) => {
      if (method === 'onExtendedHandshake' && handshakes++ > 0) return;
      try {
        original(argument);
      } catch {
        onFailure();
      }
    };
  }
}

function newPeerId(): Buffer {
  return Buffer.concat([Buffer.from(PEER_ID_PREFIX, 'latin1'), randomBytes(12)]);
}

function createSession(socket: net.Socket, options: SessionOptions): { session: PeerSession; handshake: Promise<Buffer> } {
  const wire = new Wire();
  if (options.offerMetadata) wire.use(utMetadata());
  wire.use(utPex());
  wire.extendedHandshake = { v: CLIENT_VERSION };
  const extensions = wire as unknown as { ut_metadata?: UtMetadata; ut_pex: UtPex };
  const pieces = new PieceTracker(wire);
  const pex = new PexCollector(wire, extensions.ut_pex, { allowPrivateAddresses: options.allowPrivateAddresses });
  const guard = new OutgoingGuard();
  const listeners = new Set<() => void>();
  const notify = (): void => listeners.forEach((listener) => listener());
  pieces.onChange = notify;
  pex.onChange = notify;

  let closed = false;
  let failure: Error | null = null;
  let extendedHandshakeSeen = false;
  let received = 0;
  const close = (error?: Error): void => {
    if (error && !failure) failure = error;
    if (closed) return;
    closed = true;
    socket.destroy();
    wire.destroy();
    notify();
  };
  for (const extension of [extensions.ut_metadata, extensions.ut_pex]) {
    if (extension) containExtension(extension as ExtensionHandler, () => close(new PeerWireFailure('protocol-error')));
  }
  guardExtendedMessages(wire, () => close(new PeerWireFailure('protocol-error')));
  socket.on('data', (chunk: Buffer) => {
    received += chunk.length;
    if (received > options.maxReceivedBytes) close(new PeerWireFailure('too-much-data'));
  });
  // Socket and wire errors end the probe; their messages (which name the address) are not kept.
  socket.on('error', () => close());
  socket.on('close', () => close());
  wire.on('error', () => close());
  wire.on('close', () => close());
  guard.on('error', (error: Error) => close(error));
  wire.on('extended', (name: unknown) => {
    if (name !== 'handshake') return;
    extendedHandshakeSeen = true;
    notify();
  });
  socket.pipe(wire as unknown as NodeJS.WritableStream);
  wire.pipe(guard).pipe(socket);

  const handshake = new Promise<Buffer>((resolve, reject) => {
    const timer = setTimeout(() => fail(new PeerWireFailure('handshake-timeout')), options.handshakeTimeoutMs);
    const fail = (error: Error): void => {
      clearTimeout(timer);
      listeners.delete(onClose);
      reject(error);
    };
    const onClose = (): void => {
      if (closed) fail(failure ?? new PeerWireFailure('closed-early'));
    };
    listeners.add(onClose);
    wire.once('handshake', (infohash: string, peerIdHex: string) => {
      clearTimeout(timer);
      listeners.delete(onClose);
      if (infohash !== options.infohash) return reject(new PeerWireFailure('wrong-infohash'));
      // BEP 6: with the fast extension on both sides, a bitfield, have_all or have_none must follow the handshake.
      if (wire.hasFast) wire.haveNone();
      resolve(Buffer.from(peerIdHex, 'hex'));
    });
  });
  wire.handshake(options.infohash, newPeerId(), { dht: false, fast: true });

  const session: PeerSession = {
    wire,
    peerId: Buffer.alloc(0),
    ...(extensions.ut_metadata ? { metadata: extensions.ut_metadata } : {}),
    pieces,
    pex,
    sentIds: guard.sentIds,
    get extendedHandshakeSeen() {
      return extendedHandshakeSeen;
    },
    get closed() {
      return closed;
    },
    get failure() {
      return failure;
    },
    waitUntil(done, deadlineMs) {
      return new Promise<void>((resolve) => {
        const finish = (): void => {
          clearTimeout(timer);
          listeners.delete(check);
          resolve();
        };
        const check = (): void => {
          if (closed || done()) finish();
        };
        const timer = setTimeout(finish, Math.max(0, deadlineMs - performance.now()));
        listeners.add(check);
        check();
      });
    },
    changed: notify,
    close: () => close(),
  };
  return { session, handshake };
}

/** Connects and completes both handshakes; rejects with a PeerWireFailure when the peer cannot be probed. */
export async function openPeerSession(address: { host: string; port: number }, options: SessionOptions): Promise<PeerSession> {
  const socket = await connectTcp(address, options.connect);
  const { session, handshake } = createSession(socket, options);
  try {
    session.peerId = await handshake;
  } catch (error) {
    session.close();
    throw error;
  }
  return session;
}
