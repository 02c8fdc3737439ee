/**
 * A catalogue torrent as a person would have made it: its files, and the BEP 3 info dictionary a
 * torrent creator would write for them (`name`, `piece length`, `pieces`, and `length` for a single
 * file or `files` for a folder). The infohash is the SHA-1 of those exact bytes, as on the real DHT.
 * The pieces are content-addressed pseudo-hashes (content-pieces.ts): no payload exists anywhere.
 */
import { createHash } from 'node:crypto';
import { encodeBencode } from '../../protocol/bencode.ts';
import { type ContentFile, contentPieceHashes } from './content-pieces.ts';

export type CatalogueKind = 'model' | 'ordinary';

export type CatalogueCategory = 'film' | 'tv' | 'linux-iso' | 'music' | 'photos' | 'game' | 'dataset' | 'software' | 'model-weights';

export interface CatalogueFile extends ContentFile {
  /** Path inside the torrent's folder (BEP 3 `path` list); for a single-file torrent, [name]. */
  path: string[];
}

export interface CatalogueTorrentSpec {
  /** BEP 3 `name`: the file name of a single-file torrent, else the folder name. */
  name: string;
  /** One file and no folder: the info dictionary has `length` instead of `files`. */
  singleFile: boolean;
  files: CatalogueFile[];
  kind: CatalogueKind;
  category: CatalogueCategory;
  /** Models only: the weights' lineage (a re-pack shares the original's), e.g. "llama-1". */
  lineage?: string;
}

const KIB = 1024;
/** Smallest and largest piece lengths common creators pick (libtorrent, qBittorrent, mktorrent): 16 KiB to 16 MiB. */
const MIN_PIECE_LENGTH_BYTES = 16 * KIB;
const MAX_PIECE_LENGTH_BYTES = 16 * KIB * KIB;
/** Creators aim at roughly a thousand pieces, so a 13 GB torrent gets 16 MiB pieces (~800 of them). */
const TARGET_MAX_PIECES = 1024;

/** The smallest power-of-two piece length in [16 KiB, 16 MiB] that keeps the torrent within ~1,024 pieces. */
export function pieceLengthFor(totalBytes: number): number {
  let pieceLength = MIN_PIECE_LENGTH_BYTES;
  while (pieceLength < MAX_PIECE_LENGTH_BYTES && Math.ceil(totalBytes / pieceLength) > TARGET_MAX_PIECES) pieceLength *= 2;
  return pieceLength;
}

export function totalBytesOf(spec: CatalogueTorrentSpec): number {
  return spec.files.reduce((sum, file) => sum + file.lengthBytes, 0);
}

/** The bencoded info dictionary (keys sorted, BEP 3); its SHA-1 is the infohash. */
export function encodeInfoDictionary(spec: CatalogueTorrentSpec): Buffer {
  const pieceLength = pieceLengthFor(totalBytesOf(spec));
  const pieces = contentPieceHashes(spec.files, pieceLength);
  const layout = spec.singleFile ? { length: spec.files[0]!.lengthBytes } : { files: spec.files.map((file) => ({ length: file.lengthBytes, path: file.path })) };
  return encodeBencode({ name: spec.name, 'piece length': pieceLength, pieces, ...layout });
}

export function infohashOf(infoBytes: Buffer): string {
  return createHash('sha1').update(infoBytes).digest('hex');
}

/** Paths as the collector reports them (parse-torrent-file.ts): the name, then the path inside the folder. */
export function filePaths(spec: CatalogueTorrentSpec): { path: string; length: number }[] {
  return spec.files.map((file) => ({ path: spec.singleFile ? spec.name : [spec.name, ...file.path].join('/'), length: file.lengthBytes }));
}
