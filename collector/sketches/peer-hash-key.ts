/**
 * The key of the peer-identity HMAC (peer-hasher.ts), and its epochs. The trade-off (PRIVACY.md):
 *
 * - Sketches can only be merged into a correct distinct count if every peer was hashed under the
 *   same key: a peer hashed under two keys counts twice. "Distinct peers since watching began"
 *   therefore needs one key for as long as it counts, across collector restarts, so the key is
 *   kept in `<dataDir>/peer-hash.key` (mode 0600), not only in memory.
 * - Whoever holds the key AND a stored sketch can test whether a given IP is likely in it (hash
 *   the IP, look at its register). Without the key the registers say nothing about any address,
 *   and even with it a sketch cannot be turned back into a list of addresses.
 * - So the key can be rotated per epoch (`peerHashEpochDays`): at the start of each epoch a new
 *   random key replaces the file and the old one is gone for good, after which the sketches of
 *   past epochs cannot be tested by anyone. The price: `unique_peers` counts from the start of the
 *   current epoch, and a distinct count over a range that crosses an epoch boundary can count a
 *   peer once per epoch. Epochs start at multiples of their length since 1970-01-01 UTC.
 *   `peerHashEpochDays: 0` (the default) never rotates: one key for the data folder's lifetime.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import { SwarmscopeError, describeError } from '../../core/errors.ts';

export const PEER_HASH_KEY_FILE = 'peer-hash.key';
const KEY_BYTES = 32;
const DAY_MS = 86_400_000;
const OWNER_ONLY = 0o600;

export interface PeerHashKey {
  key: Buffer;
  /** Sketches from this instant on were hashed under `key`. */
  epochStartMs: number;
  /** When a new key takes over; Infinity when the key never rotates. */
  epochEndMs: number;
}

interface KeyFile {
  version: 1;
  epochStartMs: number;
  key: string;
}

/** The start of the epoch `nowMs` falls in; epochs are `epochDays` long, aligned to 1970-01-01 UTC. */
export function epochStartOf(nowMs: number, epochDays: number): number {
  const lengthMs = epochDays * DAY_MS;
  return Math.floor(nowMs / lengthMs) * lengthMs;
}

/**
 * The key for `nowMs`: the stored one while its epoch lasts, else a new random key that replaces
 * the file (the old key is not kept anywhere). A damaged file is an error, not silently replaced:
 * replacing it would quietly restart every unique_peers count.
 */
export function loadPeerHashKey(path: string, epochDays: number, nowMs: number = Date.now()): PeerHashKey {
  const stored = existsSync(path) ? readKeyFile(path) : undefined;
  const wantedStartMs = epochDays > 0 ? epochStartOf(nowMs, epochDays) : undefined;
  const endOf = (startMs: number): number => (epochDays > 0 ? startMs + epochDays * DAY_MS : Infinity);
  if (stored && (wantedStartMs === undefined || stored.epochStartMs === wantedStartMs)) {
    return { key: Buffer.from(stored.key, 'base64'), epochStartMs: stored.epochStartMs, epochEndMs: endOf(stored.epochStartMs) };
  }
  const fresh: KeyFile = { version: 1, epochStartMs: wantedStartMs ?? nowMs, key: randomBytes(KEY_BYTES).toString('base64') };
  writeKeyFile(path, fresh);
  return { key: Buffer.from(fresh.key, 'base64'), epochStartMs: fresh.epochStartMs, epochEndMs: endOf(fresh.epochStartMs) };
}

function readKeyFile(path: string): KeyFile {
  try {
    // Tighten a copy someone made readable to others; the key is a secret.
    if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, OWNER_ONLY);
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<KeyFile>;
    const key = typeof parsed.key === 'string' ? Buffer.from(parsed.key, 'base64') : Buffer.alloc(0);
    if (parsed.version !== 1 || key.length !== KEY_BYTES || !Number.isSafeInteger(parsed.epochStartMs)) throw new Error('unexpected content');
    return parsed as KeyFile;
  } catch (error) {
    throw new SwarmscopeError(
      'invalid_config',
      `the peer hash key ${path} cannot be read (${describeError(error)}); delete it to start a new key epoch (unique_peers counts then start again)`,
    );
  }
}

function writeKeyFile(path: string, content: KeyFile): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  // Created 0600 and renamed over the old file: never a moment where the key is readable by others.
  writeFileSync(temporary, `${JSON.stringify(content)}\n`, { mode: OWNER_ONLY });
  renameSync(temporary, path);
}

/** The key for any instant, read from the file once per epoch (not once per torrent). */
export function peerHashKeyring(path: string, epochDays: number): (nowMs: number) => PeerHashKey {
  let current: PeerHashKey | undefined;
  return (nowMs) => {
    if (!current || nowMs >= current.epochEndMs || nowMs < current.epochStartMs) current = loadPeerHashKey(path, epochDays, nowMs);
    return current;
  };
}
