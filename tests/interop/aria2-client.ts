/**
 * A real BitTorrent client (aria2c, Debian package `aria2`, tested with 1.36.0) that joins a
 * Mainline DHT made of our own loopback nodes and announces a torrent to it (announce_peer), so a
 * crawler can later find it in get_peers values. See tests/interop/README.md for the recipe, the
 * timings and the gotchas.
 *
 * Safety: aria2c only contacts addresses it is given or told about. This helper refuses a
 * bootstrap, bind address or torrent that would point it anywhere but loopback, binds all of its
 * sockets to a loopback address, loads no config file, and uses no trackers, LPD, PEX or DNS. The
 * DHT nodes it talks to must hand out loopback contacts only (nodes and values): aria2c has no
 * martian filter and would otherwise follow them.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { access, mkdir, readFile } from 'node:fs/promises';
import net from 'node:net';
import dgram from 'node:dgram';
import path from 'node:path';
import { parseMagnet } from '../../collector/watchlist/parse-magnet.ts';
import { parseTorrentFile } from '../../collector/watchlist/parse-torrent-file.ts';

export interface Aria2SeederOptions {
  /** A DHT node to bootstrap from, `host:port` with a loopback IP literal (`127.1.0.1:6881`, `[::1]:6881`). */
  bootstrap: string;
  /** Scratch folder for aria2's log, DHT routing table and (magnet mode) downloads. Created if missing. */
  workDir: string;
  /**
   * What to announce: a .torrent path (seeded from `dataDir`, default the torrent's folder, after a
   * hash check), or a 40-hex infohash / tracker-less magnet (aria2 then looks for metadata and also
   * announces, but ~5 s later: see README).
   */
  torrent: string;
  /** Folder holding the payload of `torrent` (a .torrent path). Default: the .torrent's folder. */
  dataDir?: string;
  /** TCP port aria2 listens on and announces (announce_peer `port`). Default: a free one. */
  listenPort?: number;
  /** UDP port of aria2's DHT node. Default: the same number as the TCP port. */
  dhtPort?: number;
  /**
   * Loopback address all of aria2's sockets bind to: the address DHT nodes see and store for the
   * announce. Give each of several seeders its own (127.2.0.1, 127.2.0.2…). Default 127.0.0.1,
   * or ::1 when the bootstrap is IPv6.
   */
  bindAddress?: string;
  /** Default `aria2c` from PATH. */
  aria2Path?: string;
  /** Extra aria2c arguments, appended last (they win over the recipe's). */
  extraArgs?: string[];
  /** How long to wait for aria2 to listen (and finish its hash check). Default 20 s. */
  readyTimeoutMs?: number;
  /**
   * The payload is deliberately partly wrong: aria2's hash check keeps the pieces that pass and it
   * leeches the rest (a partial leecher, for as long as nobody has them). Readiness then waits for
   * the end of the check instead of refusing its `Checksum error detected`.
   */
  partialPayload?: boolean;
}

export interface Aria2Seeder {
  /** The TCP port aria2 announces: the port a crawler finds in get_peers values. */
  peerPort: number;
  /** aria2's DHT (UDP) port; it answers ping, find_node and get_peers there. */
  dhtPort: number;
  /** The address aria2 is bound to and that DHT nodes store with the announce. */
  host: string;
  /** 40 lowercase hex. */
  infohash: string;
  pid: number;
  logPath: string;
  /** The argv aria2c was started with (for test diagnostics). */
  args: string[];
  /**
   * Resolves with the DHT nodes (`host:port`) that acknowledged an announce_peer, once at least
   * `minNodes` (default 1) have; rejects after `timeoutMs` (default 30 s) or if aria2 exits.
   */
  waitForAnnounce(options?: { minNodes?: number; timeoutMs?: number }): Promise<string[]>;
  /** SIGTERM, then SIGKILL after `graceMs` (default 5 s). Idempotent. */
  stop(graceMs?: number): Promise<void>;
}

const loopback = new net.BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

export function isLoopbackAddress(host: string): boolean {
  if (net.isIPv4(host)) return loopback.check(host, 'ipv4');
  if (net.isIPv6(host)) return loopback.check(host, 'ipv6');
  return false;
}

/** Splits `host:port` / `[v6]:port`; only loopback IP literals pass (no DNS, no other network). */
export function parseLoopbackEndpoint(endpoint: string): { host: string; port: number } {
  const match = /^\[([0-9a-fA-F:.]+)\]:(\d+)$/.exec(endpoint) ?? /^([0-9.]+):(\d+)$/.exec(endpoint);
  const host = match?.[1];
  const port = Number(match?.[2]);
  if (!host || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`"${endpoint}" is not host:port (an IP literal; IPv6 in brackets)`);
  }
  if (!isLoopbackAddress(host)) throw new Error(`refusing non-loopback address ${host}: interop tests stay on 127.0.0.0/8 and ::1`);
  return { host, port };
}

export function aria2Available(aria2Path = 'aria2c'): boolean {
  const result = spawnSync(aria2Path, ['--version'], { stdio: 'ignore' });
  return result.status === 0;
}

/** A port free for both TCP and UDP on `host` (aria2 uses the same number for both by default). */
export async function findFreePort(host: string): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = net.createServer();
      server.once('error', reject);
      server.listen(0, host, () => {
        const address = server.address();
        server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
      });
    });
    const udpFree = await new Promise<boolean>((resolve) => {
      const socket = dgram.createSocket(net.isIPv6(host) ? 'udp6' : 'udp4');
      socket.once('error', () => resolve(false));
      socket.bind(port, host, () => socket.close(() => resolve(true)));
    });
    if (udpFree) return port;
  }
  throw new Error(`no free TCP+UDP port on ${host}`);
}

/** Reads a .torrent with the collector's own parser; refuses trackers and web seeds, which aria2 would contact. */
async function checkTorrentFile(torrentPath: string): Promise<{ infohash: string; name: string }> {
  const parsed = parseTorrentFile(await readFile(torrentPath));
  if ((parsed.trackers ?? []).length > 0 || (parsed.webSeeds ?? []).length > 0) {
    throw new Error(`${torrentPath} lists trackers or web seeds: aria2 would contact them; interop torrents must be tracker-less`);
  }
  return { infohash: parsed.infohash, name: parsed.name! };
}

function magnetInfohash(magnet: string): string {
  const parsed = parseMagnet(magnet);
  if ((parsed.trackers ?? []).length > 0 || (parsed.webSeeds ?? []).length > 0) throw new Error('interop magnets carry only xt and dn');
  return parsed.infohash;
}

/**
 * The recipe: every option that matters for a loopback-only DHT join + announce. Exported so the
 * README and diagnostics can show exactly what runs.
 */
export function aria2DhtArgs(options: {
  bootstrap: { host: string; port: number };
  bindAddress: string;
  listenPort: number;
  dhtPort: number;
  workDir: string;
  logPath: string;
}): string[] {
  const v6 = net.isIPv6(options.bootstrap.host);
  const dhtFamilyArgs = v6
    ? [
        '--enable-dht=false',
        '--enable-dht6=true',
        `--dht-entry-point6=[${options.bootstrap.host}]:${options.bootstrap.port}`,
        `--dht-listen-addr6=${options.bindAddress}`,
        `--dht-file-path6=${path.join(options.workDir, 'dht6.dat')}`,
      ]
    : [
        '--enable-dht=true',
        '--enable-dht6=false',
        '--disable-ipv6=true',
        `--dht-entry-point=${options.bootstrap.host}:${options.bootstrap.port}`,
        // Hidden aria2 option: the IPv4 DHT socket's bind address (default 0.0.0.0).
        `--dht-listen-addr=${options.bindAddress}`,
        `--dht-file-path=${path.join(options.workDir, 'dht.dat')}`,
      ];
  return [
    '--no-conf=true', // never read ~/.aria2/aria2.conf (it could add trackers, RPC, proxies…)
    ...dhtFamilyArgs,
    `--interface=${options.bindAddress}`, // binds the TCP listener and outgoing peer sockets
    `--dht-listen-port=${options.dhtPort}`,
    `--listen-port=${options.listenPort}`,
    '--async-dns=false',
    '--bt-enable-lpd=false',
    '--enable-peer-exchange=false',
    '--seed-ratio=0.0', // 0.0 = seed regardless of ratio; no --seed-time = seed until stopped
    '--check-integrity=true', // hash the existing payload, then seed
    '--bt-hash-check-seed=true',
    '--file-allocation=none',
    '--enable-rpc=false',
    `--stop-with-process=${process.pid}`, // aria2 exits by itself if the test process dies
    '--quiet=true',
    `--log=${options.logPath}`,
    '--log-level=info', // needed: waitForAnnounce reads "Message received: dht response announce_peer"
  ];
}

export async function startAria2Seeder(options: Aria2SeederOptions): Promise<Aria2Seeder> {
  const bootstrap = parseLoopbackEndpoint(options.bootstrap);
  const bindAddress = options.bindAddress ?? (net.isIPv6(bootstrap.host) ? '::1' : '127.0.0.1');
  if (!isLoopbackAddress(bindAddress)) throw new Error(`bindAddress ${bindAddress} is not a loopback address`);
  if (net.isIPv6(bindAddress) !== net.isIPv6(bootstrap.host)) throw new Error('bindAddress and bootstrap must be of the same IP family');
  const workDir = path.resolve(options.workDir);
  await mkdir(workDir, { recursive: true });

  let target: string;
  let infohash: string;
  let dataDir: string;
  if (/^[0-9a-fA-F]{40}$/.test(options.torrent)) {
    infohash = options.torrent.toLowerCase();
    target = `magnet:?xt=urn:btih:${infohash}`;
    dataDir = options.dataDir ?? path.join(workDir, 'download');
  } else if (options.torrent.startsWith('magnet:')) {
    infohash = magnetInfohash(options.torrent);
    target = options.torrent;
    dataDir = options.dataDir ?? path.join(workDir, 'download');
  } else {
    target = path.resolve(options.torrent);
    const checked = await checkTorrentFile(target);
    infohash = checked.infohash;
    dataDir = path.resolve(options.dataDir ?? path.dirname(target));
    // Without the payload aria2 would quietly start downloading instead of seeding.
    await access(path.join(dataDir, checked.name)).catch(() => {
      throw new Error(`payload ${path.join(dataDir, checked.name)} of ${target} is missing`);
    });
  }
  await mkdir(dataDir, { recursive: true });

  const listenPort = options.listenPort ?? (await findFreePort(bindAddress));
  const dhtPort = options.dhtPort ?? listenPort;
  const logPath = path.join(workDir, `aria2-${listenPort}.log`);
  const args = [
    ...aria2DhtArgs({ bootstrap, bindAddress, listenPort, dhtPort, workDir, logPath }),
    `--dir=${dataDir}`,
    ...(options.extraArgs ?? []),
    target,
  ];

  const child: ChildProcess = spawn(options.aria2Path ?? 'aria2c', args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: workDir });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exitPromise = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      resolve();
    });
  });
  const spawnError = new Promise<never>((_, reject) => child.once('error', reject));
  spawnError.catch(() => undefined);

  const readLog = async (): Promise<string> => readFile(logPath, 'utf8').catch(() => '');
  const deadFor = (what: string) =>
    new Error(`aria2c exited (code ${exited?.code}, signal ${exited?.signal}) ${what}; output: ${output.trim().slice(-1500)}; log: ${logPath}`);

  const stop = async (graceMs = 5000): Promise<void> => {
    if (exited || child.pid === undefined) return; // never started (spawn error) or already gone
    child.kill('SIGTERM');
    const timer = setTimeout(() => {
      if (!exited) child.kill('SIGKILL');
    }, graceMs);
    await exitPromise;
    clearTimeout(timer);
  };

  // Ready when both listeners are up and, when seeding a .torrent, the hash check passed.
  const readyDeadline = Date.now() + (options.readyTimeoutMs ?? 20_000);
  const seeding = !target.startsWith('magnet:');
  try {
    for (;;) {
      await Promise.race([new Promise((resolve) => setTimeout(resolve, 100)), spawnError]);
      if (exited) throw deadFor('before it was ready');
      const log = await readLog();
      const dhtUp = /DHT: listening on UDP port (\d+)/.exec(log);
      const tcpUp = /BitTorrent: listening on TCP port (\d+)/.exec(log);
      const checkFailed = /Checksum error detected|Download not complete|while validating file integrity/i.test(log);
      if (checkFailed && !options.partialPayload) throw new Error(`aria2c: payload in ${dataDir} does not match ${target}`);
      const verified = !seeding || checkFailed || /Verification finished successfully/.test(log);
      if (dhtUp && tcpUp && verified) {
        if (Number(tcpUp[1]) !== listenPort || Number(dhtUp[1]) !== dhtPort) {
          throw new Error(`aria2c listens on TCP ${tcpUp[1]} / UDP ${dhtUp[1]}, not ${listenPort} / ${dhtPort}`);
        }
        break;
      }
      if (Date.now() > readyDeadline) throw new Error(`aria2c not ready after ${options.readyTimeoutMs ?? 20_000} ms; log: ${logPath}`);
    }
  } catch (error) {
    await stop(1000);
    throw error;
  }

  const waitForAnnounce = async ({ minNodes = 1, timeoutMs = 30_000 }: { minNodes?: number; timeoutMs?: number } = {}): Promise<string[]> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const log = await readLog();
      const nodes = new Set<string>();
      for (const match of log.matchAll(/Message received: dht response announce_peer [^\n]*Remote:(\S+)\((\d+)\)/g)) {
        const host = match[1] ?? '';
        nodes.add(net.isIPv6(host) ? `[${host}]:${match[2]}` : `${host}:${match[2]}`);
      }
      if (nodes.size >= minNodes) return [...nodes];
      if (exited) throw deadFor('before announcing');
      if (Date.now() > deadline) throw new Error(`aria2c: ${nodes.size} of ${minNodes} announce_peer acknowledgements after ${timeoutMs} ms; log: ${logPath}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };

  return { peerPort: listenPort, dhtPort, host: bindAddress, infohash, pid: child.pid ?? -1, logPath, args, waitForAnnounce, stop };
}
