/**
 * A real multi-file torrent (BEP 3) with real piece hashes, built in memory for the mirror tests:
 * three files whose boundaries fall inside pieces, so that piece 2 spans all three files.
 *
 *   piece length 16384, total 71,000 bytes, 5 pieces
 *   llama-mini/7B/consolidated.00.pth  40,000 bytes  [0, 40000)
 *   llama-mini/7B/params.json           1,000 bytes  [40000, 41000)
 *   llama-mini/tokenizer.model         30,000 bytes  [41000, 71000)
 *   piece 2 = [32768, 49152): the end of file 0, all of file 1, the start of file 2
 */
import { createHash, randomBytes } from 'node:crypto';
import { encodeBencode } from '../../protocol/bencode.ts';

export const PIECE_LENGTH = 16 * 1024;

export interface TorrentFile {
  /** Path below the torrent name, as in `info.files[].path`. */
  path: string[];
  content: Buffer;
}

export interface MultiFileTorrent {
  name: string;
  files: TorrentFile[];
  infohash: string;
  /** The bencoded info dictionary. */
  info: Buffer;
  /** A whole .torrent file. */
  torrent: Buffer;
  /** All files concatenated: the byte stream pieces are cut from. */
  stream: Buffer;
}

export function buildMultiFileTorrent(options: { name?: string; sizes?: number[] } = {}): MultiFileTorrent {
  const name = options.name ?? 'llama-mini';
  const sizes = options.sizes ?? [40_000, 1_000, 30_000];
  const paths = [['7B', 'consolidated.00.pth'], ['7B', 'params.json'], ['tokenizer.model']];
  const files = sizes.map((size, index) => ({ path: paths[index] ?? [`extra-${index}.bin`], content: randomBytes(size) }));
  const stream = Buffer.concat(files.map((file) => file.content));
  const hashes: Buffer[] = [];
  for (let offset = 0; offset < stream.length; offset += PIECE_LENGTH) hashes.push(createHash('sha1').update(stream.subarray(offset, offset + PIECE_LENGTH)).digest());
  const infoValue = {
    name,
    'piece length': PIECE_LENGTH,
    pieces: Buffer.concat(hashes),
    files: files.map((file) => ({ length: file.content.length, path: file.path })),
  };
  const info = encodeBencode(infoValue);
  const torrent = encodeBencode({ info: infoValue });
  return { name, files, infohash: createHash('sha1').update(info).digest('hex'), info, torrent, stream };
}

/** The URL path of a file below a BEP 19 directory URL: `/<prefix>/<name>/<path>`. */
export function filePath(torrent: MultiFileTorrent, file: TorrentFile): string {
  return [torrent.name, ...file.path].map(encodeURIComponent).join('/');
}

/** The same torrent with BEP 19 web seeds: `url-list` lies outside `info`, so the infohash is unchanged. */
export function withWebSeeds(torrent: MultiFileTorrent, urls: string[]): Buffer {
  return Buffer.concat([Buffer.from('d4:info'), torrent.info, encodeBencode('url-list'), encodeBencode(urls), Buffer.from('e')]);
}
