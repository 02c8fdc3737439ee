/**
 * Magnet URIs (BEP 9): `xt=urn:btih:<40 hex | 32 base32>`, `dn` display name, `tr` trackers,
 * `ws` web seeds (BEP 19). BitTorrent v2-only magnets (`urn:btmh:`, BEP 52) cannot be looked up on
 * the v1 DHT by their v1 infohash, so they are refused with a message saying so.
 */
import { SwarmscopeError } from '../../core/errors.ts';
import { parseInfohash } from '../../core/infohash.ts';
import type { NewWatchedTorrent } from '../../store/types.ts';

const MAX_MAGNET_LENGTH = 16 * 1024;

function invalid(reason: string): never {
  throw new SwarmscopeError('invalid_magnet', `invalid magnet URI: ${reason}`);
}

export function parseMagnet(uri: string): NewWatchedTorrent {
  const text = uri.trim();
  if (text.length > MAX_MAGNET_LENGTH) invalid(`longer than ${MAX_MAGNET_LENGTH} characters`);
  if (!text.toLowerCase().startsWith('magnet:?')) invalid('it must start with "magnet:?"');
  let params: URLSearchParams;
  try {
    params = new URLSearchParams(text.slice('magnet:?'.length));
  } catch {
    invalid('the query string cannot be decoded');
  }
  const exactTopics = [...params.entries()].filter(([key]) => key === 'xt' || /^xt\.\d+$/.test(key)).map(([, value]) => value);
  if (exactTopics.length === 0) invalid('no "xt" (exact topic) parameter');
  const btih = exactTopics.find((topic) => topic.toLowerCase().startsWith('urn:btih:'));
  if (!btih) {
    if (exactTopics.some((topic) => topic.toLowerCase().startsWith('urn:btmh:'))) {
      invalid('only a BitTorrent v2 hash (urn:btmh) is given; a v1 "urn:btih" hash is needed for the Mainline DHT');
    }
    invalid(`"xt" is not a BitTorrent infohash (expected urn:btih:…, got "${exactTopics[0]!.slice(0, 40)}")`);
  }
  let infohash: string;
  try {
    infohash = parseInfohash(btih.slice('urn:btih:'.length));
  } catch (error) {
    invalid(`the btih hash ${(error as Error).message.replace(/^"[^"]*" is not an infohash: /, '')}`);
  }
  const name = params.get('dn');
  return {
    infohash,
    name: name && name.length > 0 ? name : null,
    trackers: unique(params.getAll('tr').filter(isHttpOrUdpUrl)),
    webSeeds: unique(params.getAll('ws').filter(isHttpUrl)),
  };
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

function isHttpOrUdpUrl(value: string): boolean {
  return /^(https?|udp):\/\/[^\s]+$/i.test(value);
}

function isHttpUrl(value: string): boolean {
  return /^https?:\/\/[^\s]+$/i.test(value);
}
