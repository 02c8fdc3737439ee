/**
 * Fetches a torrent's info dictionary from a peer over ut_metadata (BEP 9, announced in the BEP 10
 * extended handshake) and accepts it only if SHA-1(info) is the infohash (BEP 3). The peer's
 * declared `metadata_size` is checked against a bound before anything is asked for, so an oversized
 * (or lying) peer costs nothing; ut_metadata itself caps at 10^7 bytes and drops pieces over 16 KiB.
 * Only metadata is requested: a probe never asks for payload (outgoing-guard.ts enforces it).
 */
import { createHash } from 'node:crypto';
import { parseTorrentFile } from '../watchlist/parse-torrent-file.ts';
import type { PeerSession } from './handshake.ts';

/** ut_metadata 5.0.1 refuses a metadata_size above 1E7 bytes; a larger bound would wait for nothing. */
export const UT_METADATA_MAX_BYTES = 10_000_000;

export interface VerifiedMetadata {
  name: string;
  sizeBytes: number;
  pieceLengthBytes: number;
  pieceCount: number;
  files: { path: string; length: number }[];
  /** The info dictionary exactly as hashed. */
  infoBytes: Buffer;
}

export type MetadataProblem = 'no-ut-metadata' | 'bad-size' | 'too-large' | 'hash-mismatch' | 'invalid-info' | 'rejected' | 'timeout' | 'closed';

export type MetadataOutcome = { ok: true; metadata: VerifiedMetadata } | { ok: false; problem: MetadataProblem };

export interface FetchMetadataOptions {
  /** 40 lowercase hex. */
  infohash: string;
  maxBytes: number;
  timeoutMs: number;
}

/**
 * Checks the bytes ourselves even though ut_metadata already compared hashes: the check is what
 * makes stored metadata trustworthy, so it does not rest on a dependency. The info dictionary is
 * then read by the same strict parser as a .torrent file (wrapped as `d4:info…e`).
 */
export function verifyInfoDictionary(infoBytes: Buffer, infohash: string): MetadataOutcome {
  if (createHash('sha1').update(infoBytes).digest('hex') !== infohash) return { ok: false, problem: 'hash-mismatch' };
  try {
    const parsed = parseTorrentFile(Buffer.concat([Buffer.from('d4:info'), infoBytes, Buffer.from('e')]));
    if (parsed.infohash !== infohash || !parsed.name || parsed.size == null) return { ok: false, problem: 'invalid-info' };
    return {
      ok: true,
      metadata: { name: parsed.name, sizeBytes: parsed.size, pieceLengthBytes: parsed.pieceLengthBytes, pieceCount: parsed.pieceCount, files: parsed.files ?? [], infoBytes },
    };
  } catch {
    return { ok: false, problem: 'invalid-info' };
  }
}

/** What the peer's extended handshake says about its metadata, before anything is requested. */
function declaredSizeProblem(handshake: Record<string, unknown>, maxBytes: number): MetadataProblem | null {
  const messages = handshake.m as Record<string, unknown> | undefined;
  if (typeof messages !== 'object' || messages === null || !messages.ut_metadata) return 'no-ut-metadata';
  const size = handshake.metadata_size;
  if (typeof size !== 'number' || !Number.isInteger(size) || size <= 0) return 'bad-size';
  return size > Math.min(maxBytes, UT_METADATA_MAX_BYTES) ? 'too-large' : null;
}

/** Call after the peer's extended handshake arrived (PeerSession.extendedHandshakeSeen). */
export async function fetchMetadata(session: PeerSession, options: FetchMetadataOptions): Promise<MetadataOutcome> {
  const extension = session.metadata;
  if (!extension || !session.extendedHandshakeSeen) return { ok: false, problem: 'no-ut-metadata' };
  const problem = declaredSizeProblem(session.wire.peerExtendedHandshake, options.maxBytes);
  if (problem) return { ok: false, problem };
  let outcome: MetadataOutcome | null = null;
  const settle = (result: MetadataOutcome): void => {
    outcome ??= result;
    session.changed();
  };
  extension.on('metadata', () => settle(extension.metadata ? verifyInfoDictionary(Buffer.from(extension.metadata), options.infohash) : { ok: false, problem: 'invalid-info' }));
  extension.on('warning', (warning: Error) => settle({ ok: false, problem: /invalid metadata/i.test(warning.message) ? 'hash-mismatch' : 'rejected' }));
  extension.fetch();
  await session.waitUntil(() => outcome !== null, performance.now() + options.timeoutMs);
  extension.cancel();
  return outcome ?? { ok: false, problem: session.closed ? 'closed' : 'timeout' };
}
