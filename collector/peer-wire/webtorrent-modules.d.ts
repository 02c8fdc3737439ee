/**
 * Minimal types for the WebTorrent project's peer-wire modules (DESIGN.md §8), which ship as plain
 * ESM JavaScript: only the surface swarmscope uses. bittorrent-protocol 5.0.9 is the BEP 3 wire
 * (with BEP 6 fast and BEP 10 extension messages), ut_metadata 5.0.1 is BEP 9, ut_pex 5.0.2 is BEP 11.
 */
declare module 'bittorrent-protocol' {
  import { EventEmitter } from 'node:events';

  export interface WireExtensions {
    dht: boolean;
    fast: boolean;
    extended: boolean;
  }

  /** A class built by an extension factory; `prototype.name` is its BEP 10 message name. */
  export interface WireExtensionClass {
    new (wire: Wire): EventEmitter;
    prototype: { name: string };
  }

  /** `peerPieces` after a bitfield (a `bitfield` BitField) or after have_all (a stub whose get() is always true). */
  export interface PeerPieces {
    get(index: number): boolean;
    buffer: Uint8Array;
  }

  /** A streamx Duplex: bytes from the peer are written in, bytes for the peer are read out. */
  export default class Wire extends EventEmitter {
    constructor(type?: string, peEnabled?: number);
    readonly destroyed: boolean;
    peerId: string | null;
    peerIdBuffer: Uint8Array | null;
    peerExtensions: Partial<WireExtensions>;
    /** What we send in our BEP 10 handshake besides `m`, which is filled from the registered extensions. */
    extendedHandshake: Record<string, unknown>;
    /** The peer's BEP 10 handshake, as decoded by `bencode` (byte strings are Uint8Array). */
    peerExtendedHandshake: Record<string, unknown>;
    peerPieces: PeerPieces;
    hasFast: boolean;
    use(extension: WireExtensionClass): void;
    handshake(infoHash: Uint8Array | string, peerId: Uint8Array | string, extensions?: { dht?: boolean; fast?: boolean }): void;
    haveNone(): void;
    extended(extension: number | string, payload: Uint8Array | Record<string, unknown>): void;
    bitfield(bits: Uint8Array): void;
    haveAll(): void;
    have(index: number): void;
    pipe<T extends NodeJS.WritableStream>(destination: T): T;
    write(chunk: Uint8Array): boolean;
    end(): void;
    destroy(error?: Error): void;
  }
}

declare module 'ut_metadata' {
  import type { EventEmitter } from 'node:events';
  import type { WireExtensionClass } from 'bittorrent-protocol';

  /** Events: `metadata` (verified against the handshake's infohash), `warning` (gave up on this peer). */
  export interface UtMetadata extends EventEmitter {
    /** The raw info dictionary once complete (the bytes whose SHA-1 is the infohash). */
    metadata?: Uint8Array;
    fetch(): void;
    cancel(): void;
  }

  /** With `metadata`, the extension also serves it (tests use that to script a peer). */
  export default function utMetadata(metadata?: Uint8Array): WireExtensionClass;
}

declare module 'ut_pex' {
  import type { EventEmitter } from 'node:events';
  import type { WireExtensionClass } from 'bittorrent-protocol';

  /** Events: `peer` (`"1.2.3.4:6881"` or `"[::1]:6881"`, flags), `dropped`, `warning`. */
  export interface UtPex extends EventEmitter {
    addPeer(peer: string): void;
    addPeer6(peer: string): void;
    start(): void;
    stop(): void;
  }

  export default function utPex(): WireExtensionClass;
}
