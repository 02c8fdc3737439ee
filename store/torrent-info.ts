/**
 * The raw bencoded `info` dictionary of a torrent, kept per infohash in `torrent_info`. The watchlist
 * keeps only what people read (name, size, file list); the mirror verifier also needs the piece
 * length and the SHA-1 piece hashes, which live in this dictionary (BEP 3). Whoever obtains it — a
 * .torrent file added to the watchlist, or the metadata fetcher over ut_metadata (BEP 9) — calls
 * `saveInfoDictionary`. The bytes are checked against the infohash (its SHA-1) before they are kept,
 * so a peer sending forged metadata cannot make the verifier judge mirrors against wrong hashes.
 */
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import { SwarmscopeError } from '../core/errors.ts';
import { parseInfohash } from '../core/infohash.ts';

/** Saves the info dictionary of `infohash` (first one wins: it is fixed by its hash); throws `invalid_torrent` if the SHA-1 differs. */
export function saveInfoDictionary(db: Database.Database, infohash: string, infoBytes: Buffer, nowMs: number = Date.now()): void {
  const expected = parseInfohash(infohash);
  const actual = createHash('sha1').update(infoBytes).digest('hex');
  if (actual !== expected) {
    throw new SwarmscopeError('invalid_torrent', `the info dictionary hashes to ${actual}, not to the infohash ${expected}`);
  }
  db.prepare('INSERT OR IGNORE INTO torrent_info (infohash, info, saved_at_ms) VALUES (?, ?, ?)').run(expected, infoBytes, nowMs);
}

/** The saved info dictionary, or undefined when only a magnet or an infohash is known. */
export function loadInfoDictionary(db: Database.Database, infohash: string): Buffer | undefined {
  const row = db.prepare('SELECT info FROM torrent_info WHERE infohash = ?').get(parseInfohash(infohash)) as { info: Buffer } | undefined;
  return row?.info;
}
