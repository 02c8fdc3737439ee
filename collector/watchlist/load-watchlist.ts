/**
 * Watchlist files (DESIGN.md §3): a JSON array of `{infohash?|magnet?|torrent?, label?, source?, family?}`,
 * one of infohash, magnet, torrent per entry; `torrent` paths are relative to the file; `family` names
 * the leak family the entry belongs to (created on import, issue 11).
 * `--watch` also takes an infohash or a magnet directly.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SwarmscopeError, describeError } from '../../core/errors.ts';
import type { NewWatchedTorrent } from '../../store/types.ts';
import { parseTorrentInput, parseWatchArgument } from './parse-watch-input.ts';

export const DEFAULT_WATCHLIST_PATH = fileURLToPath(new URL('./default-watchlist.json', import.meta.url));
const ENTRY_KEYS = new Set(['infohash', 'magnet', 'torrent', 'label', 'source', 'family']);

/** A watchlist entry: a torrent, and the leak family the list puts it in. */
export type WatchlistEntry = NewWatchedTorrent & { family?: string };

function invalid(file: string, reason: string): never {
  throw new SwarmscopeError('invalid_watchlist', `watchlist ${file}: ${reason}`);
}

export function parseWatchlistJson(json: string, file: string): WatchlistEntry[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    invalid(file, `not valid JSON (${describeError(error)})`);
  }
  if (!Array.isArray(parsed)) invalid(file, 'the top level must be a JSON array of entries');
  const baseDir = dirname(resolve(file));
  return parsed.map((entry: unknown, index): WatchlistEntry => {
    const where = `entry ${index}`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) invalid(file, `${where} is not an object`);
    const record = entry as Record<string, unknown>;
    const unknownKey = Object.keys(record).find((key) => !ENTRY_KEYS.has(key));
    if (unknownKey) invalid(file, `${where} has an unknown key "${unknownKey}" (allowed: ${[...ENTRY_KEYS].join(', ')})`);
    for (const key of ENTRY_KEYS) {
      if (record[key] !== undefined && typeof record[key] !== 'string') invalid(file, `${where}: "${key}" must be a string`);
    }
    const { infohash, magnet, torrent, label, source, family } = record as Record<string, string | undefined>;
    if (family !== undefined && (family.trim().length === 0 || family.length > 200)) invalid(file, `${where}: "family" must name a family in 1 to 200 characters`);
    try {
      const parsedEntry = parseTorrentInput({ infohash, magnet, torrentPath: torrent === undefined ? undefined : resolve(baseDir, torrent) });
      return { ...parsedEntry, label: label ?? parsedEntry.name ?? null, source: source ?? null, ...(family === undefined ? {} : { family: family.trim() }) };
    } catch (error) {
      invalid(file, `${where}: ${describeError(error)}`);
    }
  });
}

/** Each `--watch` value is a watchlist file, a magnet or an infohash. */
export function loadWatchlists(values: readonly string[]): WatchlistEntry[] {
  const entries = values.flatMap((value) => {
    if (value.toLowerCase().startsWith('magnet:') || /^[0-9a-fA-F]{40}$/.test(value)) return [parseWatchArgument(value)];
    if (!existsSync(value)) invalid(value, 'file not found (expected a watchlist JSON file, a magnet or a 40-hex infohash)');
    return parseWatchlistJson(readFileSync(value, 'utf8'), value);
  });
  const byInfohash = new Map<string, WatchlistEntry>();
  for (const entry of entries) if (!byInfohash.has(entry.infohash)) byInfohash.set(entry.infohash, entry);
  return [...byInfohash.values()];
}
