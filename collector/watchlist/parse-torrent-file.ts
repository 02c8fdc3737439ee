/**
 * .torrent files (BEP 3, multi-tracker BEP 12, web seeds BEP 19). The infohash is the SHA-1 of the
 * exact bytes of the `info` dictionary as they appear in the file, so the decoder reports its span.
 */
import { createHash } from 'node:crypto';
import { SwarmscopeError, isSwarmscopeError } from '../../core/errors.ts';
import { type BencodeDict, type BencodeValue, decodeBencode, isBytes, isDict } from '../../protocol/bencode.ts';
import type { NewWatchedTorrent } from '../../store/types.ts';

/** Real model-weight torrents have .torrent files of a few MB at most; 50 MB is a guard, not a limit of the format. */
export const MAX_TORRENT_FILE_BYTES = 50 * 1024 * 1024;
const SHA1_BYTES = 20;

export interface ParsedTorrentFile extends NewWatchedTorrent {
  pieceLengthBytes: number;
  pieceCount: number;
}

function invalid(reason: string): never {
  throw new SwarmscopeError('invalid_torrent', `invalid .torrent file: ${reason}`);
}

function text(value: BencodeValue | undefined): string | undefined {
  return isBytes(value) ? value.toString('utf8') : undefined;
}

function textList(value: BencodeValue | undefined): string[] {
  if (isBytes(value)) return [value.toString('utf8')];
  if (!Array.isArray(value)) return [];
  return value.flatMap((item) => (Array.isArray(item) ? textList(item) : isBytes(item) ? [item.toString('utf8')] : []));
}

function readFiles(info: BencodeDict, name: string): { path: string; length: number }[] {
  if (typeof info.length === 'number') {
    if (info.length < 0) invalid('"info.length" is negative');
    return [{ path: name, length: info.length }];
  }
  if (!Array.isArray(info.files) || info.files.length === 0) invalid('"info" has neither "length" nor a non-empty "files" list');
  return info.files.map((file, index) => {
    if (!isDict(file)) invalid(`"info.files[${index}]" is not a dictionary`);
    if (typeof file.length !== 'number' || file.length < 0) invalid(`"info.files[${index}].length" is missing or negative`);
    const pathParts = Array.isArray(file.path) ? file.path.map(text) : [];
    if (pathParts.length === 0 || pathParts.some((part) => part === undefined || part === '' || part === '..' || part.includes('/'))) {
      invalid(`"info.files[${index}].path" is missing or unsafe`);
    }
    return { path: [name, ...(pathParts as string[])].join('/'), length: file.length };
  });
}

export function parseTorrentFile(bytes: Buffer): ParsedTorrentFile {
  if (bytes.length > MAX_TORRENT_FILE_BYTES) invalid(`larger than ${MAX_TORRENT_FILE_BYTES} bytes`);
  let decoded;
  try {
    decoded = decodeBencode(bytes, { spanOfKey: 'info' });
  } catch (error) {
    if (isSwarmscopeError(error)) invalid(error.message);
    throw error;
  }
  const root = decoded.value;
  if (!isDict(root)) invalid('the top level is not a dictionary');
  const info = root.info;
  if (!isDict(info) || !decoded.span) invalid('no "info" dictionary');
  const name = text(info.name);
  if (!name) invalid('"info.name" is missing');
  const pieceLength = info['piece length'];
  if (typeof pieceLength !== 'number' || pieceLength <= 0) invalid('"info.piece length" is missing or not positive');
  const pieces = info.pieces;
  if (!isBytes(pieces) || pieces.length % SHA1_BYTES !== 0) invalid(`"info.pieces" is not a multiple of ${SHA1_BYTES} bytes`);
  const files = readFiles(info, name);
  const size = files.reduce((total, file) => total + file.length, 0);
  const pieceCount = pieces.length / SHA1_BYTES;
  if (pieceCount !== Math.ceil(size / pieceLength)) {
    invalid(`${pieceCount} piece hashes do not cover ${size} bytes in pieces of ${pieceLength}`);
  }
  const infohash = createHash('sha1').update(bytes.subarray(decoded.span.start, decoded.span.end)).digest('hex');
  const announce = text(root.announce);
  const trackers = [...new Set([...(announce ? [announce] : []), ...textList(root['announce-list'])])];
  return {
    infohash,
    name,
    size,
    files,
    trackers,
    webSeeds: textList(root['url-list']),
    pieceLengthBytes: pieceLength,
    pieceCount,
    // A copy: a subarray would keep the whole file alive. Its piece hashes let mirrors be verified.
    infoDictionary: Buffer.from(bytes.subarray(decoded.span.start, decoded.span.end)),
  };
}
