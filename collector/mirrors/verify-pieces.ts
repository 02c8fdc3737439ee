/**
 * Does the mirror serve the torrent's bytes? A few randomly chosen whole pieces are fetched by Range
 * and their SHA-1 compared with the piece hashes (BEP 3). A piece that spans a file boundary is
 * fetched as one ranged request per file and hashed over the concatenation — that is what catches a
 * mirror whose files are individually plausible but shifted or truncated. At least one sampled piece
 * spans a boundary when the mirror serves several files and such a piece exists.
 *
 * Downloads are bounded to the sampled pieces: each request asks for exactly its segment and may
 * receive at most that many bytes (mirror-request.ts aborts past the cap). A piece that could not be
 * fetched (timeout, 404, a server ignoring Range at a non-zero offset) is neither verified nor
 * failed; only bytes that arrived and hash differently count as failed.
 */
import { createHash } from 'node:crypto';
import type { PieceReport, VerificationReport } from '../../store/mirror-check.ts';
import { fetchFollowingRedirects, type FetchContext } from './follow-redirects.ts';
import { MirrorRequestError } from './mirror-request.ts';
import type { MirrorTarget } from './mirror-urls.ts';
import { pieceCount, pieceHash, pieceSegments, type PieceSegment, type TorrentLayout } from './torrent-layout.ts';
import { monotonicMs } from '../../core/clock.ts';

export interface VerifyOptions {
  pieces: number;
  /** A piece longer than this is not downloaded (the hard byte cap of one check). */
  maxPieceBytes: number;
  timeoutMs: number;
  random: () => number;
}

/** Pieces whose every byte is in a file this mirror serves. */
function servedPieces(layout: TorrentLayout, targets: readonly MirrorTarget[]): number[] {
  const served = new Set(targets.flatMap((target) => (target.fileIndex === null ? [] : [target.fileIndex])));
  const all = Array.from({ length: pieceCount(layout) }, (_, index) => index);
  return all.filter((index) => pieceSegments(layout, index).every((segment) => served.has(segment.fileIndex)));
}

export function choosePieces(layout: TorrentLayout, targets: readonly MirrorTarget[], count: number, random: () => number): number[] {
  const candidates = servedPieces(layout, targets);
  const take = (from: number[]): number => from.splice(Math.floor(random() * from.length), 1)[0]!;
  const chosen: number[] = [];
  const spanning = candidates.filter((index) => pieceSegments(layout, index).length > 1);
  if (spanning.length > 0 && count > 0) {
    const index = take(spanning);
    chosen.push(index);
    candidates.splice(candidates.indexOf(index), 1);
  }
  while (chosen.length < count && candidates.length > 0) chosen.push(take(candidates));
  return chosen.sort((a, b) => a - b);
}

async function fetchSegment(url: string, segment: PieceSegment, context: FetchContext, deadlineMs: number): Promise<Buffer> {
  const range = { start: segment.offsetBytes, end: segment.offsetBytes + segment.lengthBytes - 1 };
  const { response } = await fetchFollowingRedirects(url, { method: 'GET', range, maxBodyBytes: segment.lengthBytes, deadlineMs }, context);
  if (response.status === 206) {
    if (response.overflowed || response.body.length !== segment.lengthBytes) {
      throw new MirrorRequestError('protocol', `asked for ${segment.lengthBytes} bytes, the 206 answer carried ${response.overflowed ? 'more' : response.body.length}`);
    }
    return response.body;
  }
  // A server that ignores Range sends the whole file: its first bytes are usable only from offset 0.
  if (response.status === 200 && segment.offsetBytes === 0 && response.body.length === segment.lengthBytes) return response.body;
  if (response.status === 200) throw new MirrorRequestError('http', 'the server ignores Range requests (HTTP 200 for a byte range)');
  throw new MirrorRequestError('http', `HTTP ${response.status} for a byte range`);
}

async function verifyPiece(layout: TorrentLayout, index: number, urls: Map<number, string>, context: FetchContext, timeoutMs: number): Promise<PieceReport> {
  const segments = pieceSegments(layout, index);
  const deadlineMs = monotonicMs() + timeoutMs;
  try {
    const parts: Buffer[] = [];
    for (const segment of segments) parts.push(await fetchSegment(urls.get(segment.fileIndex)!, segment, context, deadlineMs));
    const matches = createHash('sha1').update(Buffer.concat(parts)).digest().equals(pieceHash(layout, index));
    return { index, matches, files: segments.length, error: null };
  } catch (error) {
    if (!(error instanceof MirrorRequestError)) throw error;
    return { index, matches: null, files: segments.length, error: { kind: error.kind, message: error.message } };
  }
}

export async function verifyPieces(layout: TorrentLayout, targets: readonly MirrorTarget[], context: FetchContext, options: VerifyOptions): Promise<VerificationReport> {
  const skip = (reason: string): VerificationReport => ({ pieces: [], verified: 0, failed: 0, skipped: reason });
  if (!layout.pieceHashes || layout.pieceLengthBytes === null) return skip('the piece hashes of this torrent are not known (no .torrent file or fetched metadata)');
  if (layout.pieceLengthBytes > options.maxPieceBytes) {
    return skip(`pieces of ${layout.pieceLengthBytes} bytes exceed the download cap of ${options.maxPieceBytes} bytes (mirrorMaxPieceBytes)`);
  }
  const chosen = choosePieces(layout, targets, options.pieces, options.random);
  if (chosen.length === 0) return skip('no piece lies entirely within the files this mirror serves');
  const urls = new Map(targets.flatMap((target) => (target.fileIndex === null ? [] : [[target.fileIndex, target.url] as const])));
  const pieces: PieceReport[] = [];
  // One piece at a time: a check should not hit a mirror with several large downloads at once.
  for (const index of chosen) pieces.push(await verifyPiece(layout, index, urls, context, options.timeoutMs));
  return { pieces, verified: pieces.filter((piece) => piece.matches === true).length, failed: pieces.filter((piece) => piece.matches === false).length, skipped: null };
}

