/**
 * Real libtorrent 2.0 DHT nodes on loopback for interop tests: runs `libtorrent-dht.py` with
 * Debian's system Python (the `python3` on PATH may be another one, without the bindings), waits for
 * its one JSON line (node addresses, announced infohashes) and stops it by closing its stdin.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Debian's python3-libtorrent installs its module for this interpreter. */
export const SYSTEM_PYTHON = '/usr/bin/python3';
const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'libtorrent-dht.py');
const STOP_GRACE_MS = 3000;

/** libtorrent's version ("2.0.8.0"), or null when `import libtorrent` fails. */
export function libtorrentVersion(): string | null {
  const result = spawnSync(SYSTEM_PYTHON, ['-c', 'import libtorrent; print(libtorrent.__version__)'], { encoding: 'utf8', timeout: 10_000 });
  return result.status === 0 ? result.stdout.trim() : null;
}

export interface LibtorrentDhtOptions {
  nodes?: number;
  infohashesPerNode?: number;
  /** First two octets of the nodes' loopback addresses: "127.70" gives 127.70.0.1, … */
  hostBase?: string;
  /** The script's own budget for routing tables and announces, seconds. */
  timeoutSec?: number;
}

export interface LibtorrentDht {
  version: string;
  nodes: { host: string; port: number }[];
  /** Random infohashes the nodes added as magnet links, so libtorrent announced them to the others. */
  infohashes: string[];
  /** Incoming announce_peer messages the nodes stored before the line was printed (dht_announce_alert). */
  announcesReceived: number;
  routingTableSizes: number[];
  stderr(): string;
  stop(): Promise<void>;
}

interface ReadyLine {
  libtorrent: string;
  nodes: { host: string; port: number }[];
  infohashes: string[];
  announcesReceived: number;
  routingTableSizes: number[];
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.stdin?.end();
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
}

export async function startLibtorrentDht(options: LibtorrentDhtOptions = {}): Promise<LibtorrentDht> {
  const args = [
    SCRIPT,
    ...['--nodes', String(options.nodes ?? 6)],
    ...['--infohashes-per-node', String(options.infohashesPerNode ?? 3)],
    ...['--host-base', options.hostBase ?? '127.70'],
    ...['--timeout-sec', String(options.timeoutSec ?? 30)],
  ];
  const child = spawn(SYSTEM_PYTHON, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const line = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('\n')) resolve(stdout.slice(0, stdout.indexOf('\n')));
    });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`libtorrent-dht.py exited with ${code} before printing its line: ${stderr}`)));
  }).catch(async (error: unknown) => {
    await stopChild(child);
    throw error;
  });
  const ready = JSON.parse(line) as ReadyLine;
  return {
    version: ready.libtorrent,
    nodes: ready.nodes,
    infohashes: ready.infohashes,
    announcesReceived: ready.announcesReceived,
    routingTableSizes: ready.routingTableSizes,
    stderr: () => stderr,
    stop: () => stopChild(child),
  };
}
