/**
 * One probe of one peer: connect and handshake (handshake.ts), then listen for a short while to
 * what the peer volunteers: its BEP 10 extended handshake (`v` client name, BEP 21 `upload_only`),
 * its pieces (BEP 3 bitfield / have, BEP 6 have_all / have_none), a first PEX message (BEP 11);
 * optionally fetch the metadata (BEP 9). Then hang up. We never send `interested` or `request`.
 *
 * The result carries no address: the caller knows which peer it probed, and nothing about a peer's
 * address leaves the sweep's memory (DESIGN.md §9).
 */
import type { PeerAddress } from '../../protocol/compact.ts';
import { clientName } from './client-id.ts';
import type { ConnectOptions } from './connect.ts';
import { fetchMetadata, type MetadataOutcome } from './fetch-metadata.ts';
import { openPeerSession } from './handshake.ts';
import { PeerWireFailure, type UnreachableReason } from './peer-wire-failure.ts';
import type { PieceEvidence } from './piece-evidence.ts';

export interface PeerProbeOptions {
  /** 40 lowercase hex. */
  infohash: string;
  connect: ConnectOptions;
  handshakeTimeoutMs: number;
  /** After the handshake, how long to wait for the extended handshake, the pieces and a first PEX message. */
  settleMs: number;
  fetchMetadata: boolean;
  metadataTimeoutMs: number;
  metadataMaxBytes: number;
  allowPrivateAddresses: boolean;
}

export interface PeerProbeResult {
  /** null when the peer was reached and its pieces are known; else why not. */
  unreachable: UnreachableReason | null;
  client: string | null;
  /** BEP 21: the peer said it only uploads (a seeder, or a partial seed that wants nothing more). */
  uploadOnly: boolean;
  evidence: PieceEvidence | null;
  pex: PeerAddress[];
  /** Present when metadata was to be fetched and the peer got that far. */
  metadata: MetadataOutcome | null;
  durationMs: number;
  sentIds: ReadonlyMap<number, number>;
}

/** Bitfields, PEX and framing on top of the metadata; a probe that receives more is cut off. */
const RECEIVE_ALLOWANCE_BYTES = 1024 * 1024;

function peerSupports(handshake: Record<string, unknown>, extension: string): boolean {
  const messages = handshake.m;
  return typeof messages === 'object' && messages !== null && Boolean((messages as Record<string, unknown>)[extension]);
}

export async function probePeer(address: { host: string; port: number }, options: PeerProbeOptions): Promise<PeerProbeResult> {
  const startedMs = performance.now();
  const failed = (reason: UnreachableReason): PeerProbeResult => ({
    unreachable: reason, client: null, uploadOnly: false, evidence: null, pex: [], metadata: null, durationMs: performance.now() - startedMs, sentIds: new Map(),
  });
  let session;
  try {
    session = await openPeerSession(address, {
      infohash: options.infohash,
      connect: options.connect,
      handshakeTimeoutMs: options.handshakeTimeoutMs,
      maxReceivedBytes: options.metadataMaxBytes + RECEIVE_ALLOWANCE_BYTES,
      offerMetadata: options.fetchMetadata,
      allowPrivateAddresses: options.allowPrivateAddresses,
    });
  } catch (error) {
    if (error instanceof PeerWireFailure) return failed(error.reason);
    throw error;
  }
  try {
    const settleDeadlineMs = performance.now() + options.settleMs;
    const speaksExtended = session.wire.peerExtensions.extended === true;
    await session.waitUntil(() => session.pieces.known && (session.extendedHandshakeSeen || !speaksExtended), settleDeadlineMs);
    const handshake = session.wire.peerExtendedHandshake;
    let metadata: MetadataOutcome | null = null;
    if (options.fetchMetadata && session.extendedHandshakeSeen && !session.closed) {
      metadata = await fetchMetadata(session, { infohash: options.infohash, maxBytes: options.metadataMaxBytes, timeoutMs: options.metadataTimeoutMs });
    }
    if (peerSupports(handshake, 'ut_pex')) await session.waitUntil(() => session.pex.messages > 0, settleDeadlineMs);

    // The outgoing guard stopped a payload message: a bug in swarmscope, not a property of the peer.
    if (session.failure && !(session.failure instanceof PeerWireFailure)) throw session.failure;
    const base = {
      client: clientName({ v: handshake.v, peerId: session.peerId }),
      uploadOnly: handshake.upload_only === 1,
      pex: [...session.pex.peers.values()],
      metadata,
      durationMs: performance.now() - startedMs,
      sentIds: new Map(session.sentIds),
    };
    if (session.failure instanceof PeerWireFailure) return { ...base, unreachable: session.failure.reason, evidence: null };
    // Closed before saying what it has: it cannot be classified. Still open and silent: BEP 3 lets a peer with nothing skip the bitfield.
    if (session.closed && !session.pieces.known) return { ...base, unreachable: 'closed-early', evidence: null };
    return { ...base, unreachable: null, evidence: session.pieces.evidence() };
  } finally {
    session.close();
  }
}
