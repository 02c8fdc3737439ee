/**
 * Content-addressed pseudo piece hashes for catalogue torrents, whose payload is never generated.
 *
 * BEP 3: `pieces` is the SHA-1 of each `piece length` slice of the concatenated files. A real piece
 * hash depends only on the bytes it covers, so two torrents that hold the same file at the same
 * offset modulo the piece length, with the same piece length, share the hashes of every piece that
 * lies wholly inside that file — whatever their names or other files. That is the property leak
 * families are matched on (a re-pack of the same weights), and the one reproduced here:
 *
 * - every file has a *content id* (a string naming its bytes; a re-pack reuses the original's ids);
 * - a piece is a list of segments (content id, offset in that file, length);
 * - a *full piece inside one file* (one segment of `piece length` bytes) gets the 20-byte block of
 *   SHAKE256(digest(content id) ‖ piece length ‖ phase) for its position, where phase is the file
 *   offset of the file's first full piece: a function of (content id, offset, length) only. An XOF
 *   gives a whole file's run of pieces in one call, so 3,000 torrents of ~800 pieces hash in ~0.3 s
 *   where one SHA-1 per piece took ~3 s;
 * - any other piece (spanning files, or the short last one) is SHA-1 of the canonical description
 *   of its segments, each (digest(content id), offset, length).
 *
 * So identical content at an identical piece-aligned position gives identical hashes, and anything
 * else differs (up to SHA-1/SHAKE collisions), exactly as with real content.
 */
import { createHash } from 'node:crypto';

const PIECE_HASH_BYTES = 20;
/** Domain separation: these digests never equal a digest of real data by construction of the input. */
const DOMAIN = Buffer.from('swarmscope-sim-content-v1', 'latin1');

export interface ContentFile {
  /** Names the file's bytes: two files with the same id hold the same bytes (and must have the same length). */
  contentId: string;
  lengthBytes: number;
}

interface Segment {
  file: number;
  offsetBytes: number;
  lengthBytes: number;
}

function contentDigest(contentId: string): Buffer {
  return createHash('sha1').update(DOMAIN).update(contentId, 'utf8').digest();
}

function uint64(value: number): Buffer {
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64BE(BigInt(value));
  return bytes;
}

/** SHA-1 of the description of a piece that is not one full slice of one file. */
function describedPieceHash(segments: readonly Segment[], digests: readonly Buffer[]): Buffer {
  const hash = createHash('sha1').update(DOMAIN);
  for (const segment of segments) hash.update(digests[segment.file]!).update(uint64(segment.offsetBytes)).update(uint64(segment.lengthBytes));
  return hash.digest();
}

/** `count` consecutive full-piece hashes of one file, its first full piece at file offset `phaseBytes`. */
function fullPieceRun(digest: Buffer, pieceLengthBytes: number, phaseBytes: number, count: number): Buffer {
  return createHash('shake256', { outputLength: count * PIECE_HASH_BYTES })
    .update(DOMAIN)
    .update(digest)
    .update(uint64(pieceLengthBytes))
    .update(uint64(phaseBytes))
    .digest();
}

/** The `pieces` string (BEP 3) of files laid end to end in this order, cut in `pieceLengthBytes` pieces. */
export function contentPieceHashes(files: readonly ContentFile[], pieceLengthBytes: number): Buffer {
  const totalBytes = files.reduce((sum, file) => sum + file.lengthBytes, 0);
  const pieceCount = Math.ceil(totalBytes / pieceLengthBytes);
  const pieces = Buffer.alloc(pieceCount * PIECE_HASH_BYTES);
  const digests = files.map((file) => contentDigest(file.contentId));
  // Pieces wholly inside one file, by file: filled from one XOF run per file.
  let fileStart = 0;
  const covered = new Uint8Array(pieceCount);
  files.forEach((file, index) => {
    const firstPiece = Math.ceil(fileStart / pieceLengthBytes);
    const endPiece = Math.floor((fileStart + file.lengthBytes) / pieceLengthBytes);
    if (endPiece > firstPiece) {
      const run = fullPieceRun(digests[index]!, pieceLengthBytes, firstPiece * pieceLengthBytes - fileStart, endPiece - firstPiece);
      run.copy(pieces, firstPiece * PIECE_HASH_BYTES);
      covered.fill(1, firstPiece, endPiece);
    }
    fileStart += file.lengthBytes;
  });
  // The rest (pieces across file boundaries and the short last piece), described segment by segment.
  let fileIndex = 0;
  let fileOffset = 0;
  for (let piece = 0; piece < pieceCount; piece++) {
    const pieceStart = piece * pieceLengthBytes;
    const pieceEnd = Math.min(totalBytes, pieceStart + pieceLengthBytes);
    while (fileIndex < files.length && fileOffset + files[fileIndex]!.lengthBytes <= pieceStart) fileOffset += files[fileIndex++]!.lengthBytes;
    if (covered[piece]) continue;
    const segments: Segment[] = [];
    let index = fileIndex;
    let offset = fileOffset;
    while (index < files.length && offset < pieceEnd) {
      const file = files[index]!;
      const from = Math.max(pieceStart, offset);
      const to = Math.min(pieceEnd, offset + file.lengthBytes);
      if (to > from) segments.push({ file: index, offsetBytes: from - offset, lengthBytes: to - from });
      offset += file.lengthBytes;
      index++;
    }
    describedPieceHash(segments, digests).copy(pieces, piece * PIECE_HASH_BYTES);
  }
  return pieces;
}

/** Indices of the pieces wholly inside file `index` (for tests and evidence): [first, end). */
export function fullPiecesOf(files: readonly ContentFile[], index: number, pieceLengthBytes: number): { first: number; end: number } {
  const fileStart = files.slice(0, index).reduce((sum, file) => sum + file.lengthBytes, 0);
  const first = Math.ceil(fileStart / pieceLengthBytes);
  const end = Math.max(first, Math.floor((fileStart + files[index]!.lengthBytes) / pieceLengthBytes));
  return { first, end };
}
