/**
 * The DHT nodes known at the last run, saved so a restart can rejoin through them instead of
 * hammering the public routers (BEP 5 asks clients to keep their routing table between sessions).
 * Only node contacts are kept, never a peer of any torrent; the file expires after
 * `MAX_AGE_MS` and holds at most `MAX_SAVED_NODES` per family (PRIVACY: see README).
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import net from 'node:net';
import type { NodeContact } from '../../protocol/compact.ts';

export const MAX_AGE_MS = 24 * 3600 * 1000;
const MAX_SAVED_NODES = 300;

interface SavedNode {
  id: string;
  host: string;
  port: number;
}

/**
 * The file records the bootstrap list it was learned from, and is used only with the same list:
 * nodes of one network (say, a test's loopback sim) must never seed a join of another.
 */
export function saveNodes(path: string, bootstrap: readonly string[], nodes: readonly NodeContact[], nowMs = Date.now()): void {
  const saved: SavedNode[] = nodes.slice(0, MAX_SAVED_NODES * 2).map((node) => ({ id: node.id.toString('hex'), host: node.host, port: node.port }));
  mkdirSync(dirname(path), { recursive: true });
  // Write then rename, so a crash never leaves a half-written file.
  writeFileSync(`${path}.tmp`, JSON.stringify({ savedAtMs: nowMs, bootstrap, nodes: saved }), { mode: 0o600 });
  renameSync(`${path}.tmp`, path);
}

/** Nodes from the file, or none if it is missing, unreadable, malformed or older than a day. */
export function loadNodes(path: string, bootstrap: readonly string[], nowMs = Date.now()): NodeContact[] {
  let parsed: { savedAtMs?: unknown; bootstrap?: unknown; nodes?: unknown };
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8')) as typeof parsed;
  } catch {
    return [];
  }
  if (typeof parsed.savedAtMs !== 'number' || nowMs - parsed.savedAtMs > MAX_AGE_MS || !Array.isArray(parsed.nodes)) return [];
  if (JSON.stringify(parsed.bootstrap) !== JSON.stringify(bootstrap)) return [];
  return parsed.nodes.flatMap((node: Partial<SavedNode>): NodeContact[] => {
    if (typeof node.id !== 'string' || !/^[0-9a-f]{40}$/.test(node.id) || typeof node.host !== 'string' || !net.isIP(node.host)) return [];
    if (typeof node.port !== 'number' || node.port < 1 || node.port > 65535) return [];
    return [{ id: Buffer.from(node.id, 'hex'), host: node.host, port: node.port, family: net.isIPv6(node.host) ? 6 : 4 }];
  });
}
