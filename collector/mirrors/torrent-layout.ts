/**
 * Where each byte of a torrent lives: the files in order with their offsets in the torrent's byte
 * stream, the piece length and the SHA-1 of each piece (BEP 3). Pieces are cut from the
 * concatenation of all files, so a piece may span a file boundary; `pieceSegments` says which
 * byte range of which file(s) make up a piece — one ranged request per segment.
 *
 * From the saved info dictionary (store/torrent-info.ts) the layout is complete. From the watchlist
 * alone (a torrent whose metadata came without the info dictionary) only files and sizes are known:
 * enough to compose URLs and compare sizes, not to verify content.
 */
import { SwarmscopeError } from '../../core/errors.ts';
import { decodeBencode, isBytes, isDict } from '../../protocol/bencode.ts';
import type { WatchedTorrent } from '../../store/types.ts';
import { parseTorrentFile } from '../watchlist/parse-torrent-file.ts';

const SHA1_BYTES = 20;

export interface LayoutFile {
  /** As in the watchlist's file list: `name` for a single-file torrent, `name/dir/file` otherwise. */
  path: string;
  /** Path segments below a web seed's base URL (BEP 19): [name] or [name, dir, file]. */
  segments: string[];
  lengthBytes: number;
  offsetBytes: number;
}

export interface TorrentLayout {
  infohash: string;
  name: string;
  multiFile: boolean;
  files: LayoutFile[];
  totalBytes: number;
  pieceLengthBytes: number | null;
  /** 20 bytes per piece; null when only the file list is known. */
  pieceHashes: Buffer | null;
}

export interface PieceSegment {
  fileIndex: number;
  offsetBytes: number;
  lengthBytes: number;
}

function withOffsets(files: readonly { path: string; length: number }[], name: string, multiFile: boolean): LayoutFile[] {
  let offsetBytes = 0;
  return files.map((file) => {
    const rest = multiFile && file.path.startsWith(`${name}/`) ? file.path.slice(name.length + 1).split('/') : [];
    const entry = { path: file.path, segments: multiFile ? [name, ...rest] : [name], lengthBytes: file.length, offsetBytes };
    offsetBytes += file.length;
    return entry;
  });
}

/** The complete layout from the raw info dictionary; throws `invalid_torrent` if it does not hash to `infohash`. */
export function layoutFromInfoDictionary(infohash: string, info: Buffer): TorrentLayout {
  // parseTorrentFile validates a whole .torrent: wrap the dictionary as one (`d4:info<info>e`).
  const parsed = parseTorrentFile(Buffer.concat([Buffer.from('d4:info'), info, Buffer.from('e')]));
  if (parsed.infohash !== infohash) throw new SwarmscopeError('invalid_torrent', `the saved info dictionary hashes to ${parsed.infohash}, not ${infohash}`);
  const decoded = decodeBencode(info).value;
  const pieces = isDict(decoded) ? decoded.pieces : undefined;
  if (!isBytes(pieces)) throw new SwarmscopeError('invalid_torrent', 'the info dictionary has no piece hashes');
  const multiFile = isDict(decoded) && Array.isArray(decoded.files);
  const name = parsed.name!;
  const files = withOffsets(parsed.files ?? [], name, multiFile);
  return { infohash, name, multiFile, files, totalBytes: parsed.size ?? 0, pieceLengthBytes: parsed.pieceLengthBytes, pieceHashes: pieces };
}

/** Files and sizes only (no piece hashes); undefined when the watchlist knows no file list. */
export function layoutFromWatchedTorrent(torrent: WatchedTorrent): TorrentLayout | undefined {
  if (torrent.files.length === 0 || !torrent.name) return undefined;
  const name = torrent.name;
  const multiFile = torrent.files.length > 1 || torrent.files[0]!.path !== name;
  const files = withOffsets(torrent.files, name, multiFile);
  const totalBytes = files.reduce((sum, file) => sum + file.lengthBytes, 0);
  return { infohash: torrent.infohash, name, multiFile, files, totalBytes, pieceLengthBytes: null, pieceHashes: null };
}

export function pieceCount(layout: TorrentLayout): number {
  return layout.pieceHashes ? layout.pieceHashes.length / SHA1_BYTES : 0;
}

export function pieceHash(layout: TorrentLayout, index: number): Buffer {
  return layout.pieceHashes!.subarray(index * SHA1_BYTES, (index + 1) * SHA1_BYTES);
}

/** The byte range of the torrent a piece covers (the last piece is usually shorter). */
export function pieceRange(layout: TorrentLayout, index: number): { startBytes: number; endBytes: number } {
  const startBytes = index * layout.pieceLengthBytes!;
  return { startBytes, endBytes: Math.min(startBytes + layout.pieceLengthBytes!, layout.totalBytes) };
}

/** The segments of each file a piece is made of, in order; zero-length files contribute nothing. */
export function pieceSegments(layout: TorrentLayout, index: number): PieceSegment[] {
  const { startBytes, endBytes } = pieceRange(layout, index);
  const segments: PieceSegment[] = [];
  layout.files.forEach((file, fileIndex) => {
    const from = Math.max(startBytes, file.offsetBytes);
    const to = Math.min(endBytes, file.offsetBytes + file.lengthBytes);
    if (to > from) segments.push({ fileIndex, offsetBytes: from - file.offsetBytes, lengthBytes: to - from });
  });
  return segments;
}
