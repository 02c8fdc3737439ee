/**
 * One way in for every watchlist input: an infohash, a magnet URI, .torrent bytes, or a path to a
 * .torrent file. The CLI, the REST API and watchlist files all go through here.
 */
import { readFileSync } from 'node:fs';
import { SwarmscopeError } from '../../core/errors.ts';
import { parseInfohash } from '../../core/infohash.ts';
import type { NewWatchedTorrent } from '../../store/types.ts';
import { parseMagnet } from './parse-magnet.ts';
import { MAX_TORRENT_FILE_BYTES, parseTorrentFile } from './parse-torrent-file.ts';

export interface TorrentInput {
  magnet?: string;
  infohash?: string;
  torrentBase64?: string;
  torrentPath?: string;
}

/** Exactly one of the inputs must be given. */
export function parseTorrentInput(input: TorrentInput): NewWatchedTorrent {
  const given = (['magnet', 'infohash', 'torrentBase64', 'torrentPath'] as const).filter((key) => input[key] !== undefined);
  if (given.length !== 1) {
    throw new SwarmscopeError('invalid_request', `give exactly one of magnet, infohash or torrent (got ${given.length === 0 ? 'none' : given.join(', ')})`);
  }
  if (input.magnet !== undefined) return parseMagnet(input.magnet);
  if (input.infohash !== undefined) return { infohash: parseInfohash(input.infohash) };
  if (input.torrentBase64 !== undefined) {
    if (!/^[A-Za-z0-9+/=\s]*$/.test(input.torrentBase64)) throw new SwarmscopeError('invalid_torrent', 'invalid .torrent file: "torrent" is not base64');
    return parseTorrentFile(Buffer.from(input.torrentBase64, 'base64'));
  }
  return parseTorrentFile(readTorrentPath(input.torrentPath!));
}

function readTorrentPath(path: string): Buffer {
  try {
    const bytes = readFileSync(path);
    if (bytes.length > MAX_TORRENT_FILE_BYTES) throw new SwarmscopeError('invalid_torrent', `invalid .torrent file: ${path} is larger than ${MAX_TORRENT_FILE_BYTES} bytes`);
    return bytes;
  } catch (error) {
    if (error instanceof SwarmscopeError) throw error;
    throw new SwarmscopeError('invalid_torrent', `cannot read .torrent file ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

/** A command-line argument: a magnet, an infohash, or a path to a .torrent file. */
export function parseWatchArgument(argument: string): NewWatchedTorrent {
  if (argument.toLowerCase().startsWith('magnet:')) return parseMagnet(argument);
  if (/^[0-9a-fA-F]{40}$/.test(argument.trim()) || /^[A-Za-z2-7]{32}$/.test(argument.trim())) return parseTorrentInput({ infohash: argument });
  if (argument.toLowerCase().endsWith('.torrent')) return parseTorrentInput({ torrentPath: argument });
  return parseTorrentInput({ infohash: argument });
}
