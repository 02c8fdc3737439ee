/**
 * Makes a small, real single-file .torrent (BEP 3) plus its payload, so an interop test knows the
 * infohash a real client will announce. The bencode is written with protocol/bencode.ts; the
 * infohash is the SHA-1 of the encoded `info` dictionary, the piece hashes SHA-1 of each piece.
 *
 * CLI: npx tsx tests/interop/make-torrent.ts <dir> [sizeBytes]   (prints the result as JSON)
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { encodeBencode, type EncodableValue } from '../../protocol/bencode.ts';

export interface MakeTorrentOptions {
  /** Folder that receives the payload file and the .torrent; created if missing. */
  dir: string;
  /** File name of the payload (and `info.name`). Default `swarmscope-interop-<random>.bin`. */
  name?: string;
  /** Payload bytes; default `size` random bytes, so every call yields a new infohash. */
  content?: Buffer;
  /** Payload size when `content` is not given. Default 64 KiB. */
  size?: number;
  /** Power of two, at least 16 KiB (BitTorrent block size). Default 16 KiB. */
  pieceLength?: number;
  /** Optional BEP 5 `nodes` list written into the torrent: DHT contacts a client may bootstrap from. */
  nodes?: { host: string; port: number }[];
}

export interface MadeTorrent {
  torrentPath: string;
  /** The payload file: a seeder's download directory is `path.dirname(dataPath)`. */
  dataPath: string;
  name: string;
  /** 40 lowercase hex characters. */
  infohash: string;
  infohashBytes: Buffer;
  length: number;
  pieceLength: number;
  /** A magnet link without trackers (`xt` and `dn` only). */
  magnet: string;
}

export function buildTorrent(content: Buffer, name: string, pieceLength = 16 * 1024, nodes?: { host: string; port: number }[]): { torrent: Buffer; infohash: Buffer } {
  if (pieceLength < 16 * 1024 || (pieceLength & (pieceLength - 1)) !== 0) {
    throw new RangeError(`piece length must be a power of two of at least 16 KiB, got ${pieceLength}`);
  }
  if (content.length === 0) throw new RangeError('the payload must not be empty');
  const hashes: Buffer[] = [];
  for (let offset = 0; offset < content.length; offset += pieceLength) {
    hashes.push(createHash('sha1').update(content.subarray(offset, offset + pieceLength)).digest());
  }
  const info = { length: content.length, name, 'piece length': pieceLength, pieces: Buffer.concat(hashes) };
  const infohash = createHash('sha1').update(encodeBencode(info)).digest();
  const meta: { [key: string]: EncodableValue | undefined } = {
    'created by': 'swarmscope interop',
    'creation date': Math.floor(Date.now() / 1000),
    info,
    nodes: nodes?.map((node) => [node.host, node.port]),
  };
  return { torrent: encodeBencode(meta), infohash };
}

export async function makeTorrent(options: MakeTorrentOptions): Promise<MadeTorrent> {
  const content = options.content ?? randomBytes(options.size ?? 64 * 1024);
  const name = options.name ?? `swarmscope-interop-${randomBytes(4).toString('hex')}.bin`;
  const pieceLength = options.pieceLength ?? 16 * 1024;
  const { torrent, infohash } = buildTorrent(content, name, pieceLength, options.nodes);
  await mkdir(options.dir, { recursive: true });
  const dataPath = path.join(options.dir, name);
  const torrentPath = path.join(options.dir, `${name}.torrent`);
  await writeFile(dataPath, content);
  await writeFile(torrentPath, torrent);
  const hex = infohash.toString('hex');
  return {
    torrentPath,
    dataPath,
    name,
    infohash: hex,
    infohashBytes: infohash,
    length: content.length,
    pieceLength,
    magnet: `magnet:?xt=urn:btih:${hex}&dn=${encodeURIComponent(name)}`,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const dir = process.argv[2];
  if (!dir) {
    console.error('usage: tsx tests/interop/make-torrent.ts <dir> [sizeBytes]');
    process.exit(2);
  }
  const made = await makeTorrent({ dir, size: process.argv[3] ? Number(process.argv[3]) : undefined });
  console.log(JSON.stringify({ ...made, infohashBytes: undefined }, null, 2));
}
