/**
 * Which leak family a newly found torrent belongs to, with the evidence. Two kinds of evidence,
 * both about the same bytes under another infohash:
 * - same-pieces: a file that starts on a piece boundary in both torrents, with the same piece
 *   length, whose pieces lying wholly inside it have identical SHA-1 hashes (BEP 3): the same bytes,
 *   whatever the file is called;
 * - same-file: the same path inside the torrent (the top folder dropped: re-packs rename it) and
 *   the same length.
 * Small files (README, tokenizer, params.json) are common to unrelated torrents and prove nothing:
 * only files of at least MIN_EVIDENCE_FILE_BYTES count.
 */
import { isBytes, isDict, decodeBencode, type BencodeDict } from '../../protocol/bencode.ts';

/** 16 MiB: every weight file is larger, every README and tokenizer smaller. */
export const MIN_EVIDENCE_FILE_BYTES = 16 * 1024 * 1024;
const SHA1_BYTES = 20;

export interface TorrentLayout {
  infohash: string;
  pieceLengthBytes: number;
  /** Concatenated 20-byte piece hashes; empty when only names and lengths are known. */
  pieces: Buffer;
  files: { path: string; length: number; offset: number }[];
}

export type Evidence =
  | { kind: 'same-pieces'; file: string; memberInfohash: string; memberFile: string; pieces: number; length: number }
  | { kind: 'same-file'; file: string; memberInfohash: string; memberFile: string; length: number };

export interface FamilyCandidate {
  id: string;
  name: string;
  members: TorrentLayout[];
}

/** Reads a verified info dictionary (bencoded) into a layout; throws on a malformed one. */
export function layoutOfInfo(infohash: string, infoBytes: Buffer): TorrentLayout {
  const { value } = decodeBencode(infoBytes);
  if (!isDict(value)) throw new TypeError('info is not a dictionary');
  const info = value as BencodeDict;
  const name = isBytes(info.name) ? info.name.toString('utf8') : '';
  const pieceLengthBytes = typeof info['piece length'] === 'number' ? info['piece length'] : 0;
  const pieces = isBytes(info.pieces) ? info.pieces : Buffer.alloc(0);
  const files: TorrentLayout['files'] = [];
  if (typeof info.length === 'number') {
    files.push({ path: name, length: info.length, offset: 0 });
  } else if (Array.isArray(info.files)) {
    let offset = 0;
    for (const entry of info.files) {
      if (!isDict(entry) || typeof entry.length !== 'number' || !Array.isArray(entry.path)) continue;
      const parts = entry.path.filter(isBytes).map((part) => part.toString('utf8'));
      files.push({ path: [name, ...parts].join('/'), length: entry.length, offset });
      offset += entry.length;
    }
  }
  return { infohash, pieceLengthBytes, pieces, files };
}

/** A layout from the watchlist's name-and-length list alone (no piece hashes). */
export function layoutOfFiles(infohash: string, files: readonly { path: string; length: number }[]): TorrentLayout {
  let offset = 0;
  return { infohash, pieceLengthBytes: 0, pieces: Buffer.alloc(0), files: files.map((file) => ({ ...file, offset: (offset += file.length) - file.length })) };
}

const innerPath = (path: string): string => path.split('/').slice(1).join('/') || path;

/** The hashes of the pieces lying wholly inside a file that starts on a piece boundary; null when it does not. */
function wholePieces(layout: TorrentLayout, file: TorrentLayout['files'][number]): Buffer | null {
  const { pieceLengthBytes: size, pieces } = layout;
  if (size <= 0 || pieces.length === 0 || file.offset % size !== 0) return null;
  const first = file.offset / size;
  const count = Math.floor(file.length / size);
  if (count === 0 || (first + count) * SHA1_BYTES > pieces.length) return null;
  return pieces.subarray(first * SHA1_BYTES, (first + count) * SHA1_BYTES);
}

export function matchLayouts(candidate: TorrentLayout, member: TorrentLayout): Evidence[] {
  const evidence: Evidence[] = [];
  const memberByPieces = new Map<string, TorrentLayout['files'][number]>();
  if (member.pieceLengthBytes === candidate.pieceLengthBytes) {
    for (const file of member.files) {
      const hashes = file.length >= MIN_EVIDENCE_FILE_BYTES ? wholePieces(member, file) : null;
      if (hashes) memberByPieces.set(hashes.toString('latin1'), file);
    }
  }
  for (const file of candidate.files) {
    if (file.length < MIN_EVIDENCE_FILE_BYTES) continue;
    const hashes = wholePieces(candidate, file);
    const samePieces = hashes ? memberByPieces.get(hashes.toString('latin1')) : undefined;
    if (samePieces) {
      evidence.push({ kind: 'same-pieces', file: file.path, memberInfohash: member.infohash, memberFile: samePieces.path, pieces: hashes!.length / SHA1_BYTES, length: file.length });
      continue;
    }
    const sameFile = member.files.find((other) => other.length === file.length && innerPath(other.path) === innerPath(file.path));
    if (sameFile) evidence.push({ kind: 'same-file', file: file.path, memberInfohash: member.infohash, memberFile: sameFile.path, length: file.length });
  }
  return evidence;
}

/** The family sharing the most bytes with the candidate, with its evidence; null when none shares any. */
export function suggestFamily(candidate: TorrentLayout, families: readonly FamilyCandidate[]): { id: string; name: string; evidence: Evidence[] } | null {
  let best: { id: string; name: string; evidence: Evidence[]; bytes: number } | null = null;
  for (const family of families) {
    const evidence = family.members.filter((member) => member.infohash !== candidate.infohash).flatMap((member) => matchLayouts(candidate, member));
    // One candidate file may match several members: count its bytes once.
    const bytes = [...new Map(evidence.map((item) => [item.file, item.length])).values()].reduce((sum, length) => sum + length, 0);
    if (bytes > 0 && (!best || bytes > best.bytes)) best = { id: family.id, name: family.name, evidence, bytes };
  }
  return best && { id: best.id, name: best.name, evidence: best.evidence };
}
