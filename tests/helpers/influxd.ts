/**
 * A private InfluxDB 1.x server for one test file: Debian's `influxd` with its own config, a
 * temporary folder for meta, data and WAL, HTTP on a free loopback port, the RPC listener on another
 * loopback port, no usage reporting and no other listener (graphite, collectd, opentsdb and udp are
 * off unless configured, and this config configures none). It never touches a system service.
 *
 * `stop()` + `start()` restart the same server on the same port and data (the outage test);
 * `dispose()` stops it and removes the folder. If the test process dies, the server is killed too.
 *
 * When `influxd` is missing the tests fail (CI installs Debian's `influxdb`), unless
 * SWARMSCOPE_SKIP_INFLUX=1 asks to skip them on a developer machine.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const HOST = '127.0.0.1';
const START_TIMEOUT_MS = 30_000;

export interface Influxd {
  /** http://127.0.0.1:PORT */
  url: string;
  port: number;
  dir: string;
  /** `influx://127.0.0.1:PORT/<database>` for --store. */
  storeUrl(database: string): string;
  start(): Promise<void>;
  /** SIGTERM by default; SIGKILL for a crash (the fault tests). */
  stop(signal?: NodeJS.Signals): Promise<void>;
  dispose(): Promise<void>;
  /** What influxd printed (warnings and errors only). */
  log(): string;
}

export function influxdPath(): string | undefined {
  try {
    return execFileSync('sh', ['-c', 'command -v influxd'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** For `describe(name, { skip: influxSkip() })`: skip only when asked to and influxd is missing. */
export function influxSkip(): string | false {
  if (influxdPath() !== undefined) return false;
  return process.env.SWARMSCOPE_SKIP_INFLUX === '1' ? 'influxd is not installed and SWARMSCOPE_SKIP_INFLUX=1' : false;
}

export async function freeTcpPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Optional [data] settings; left out, the config is exactly the tests' (influxd's own defaults).
 * The disk-growth benchmark sets both short, so a shard's cache is snapshotted to TSM files and
 * fully compacted seconds after the last write instead of after influxd's 10 min and 4 h.
 */
export interface InfluxdOptions {
  /** `cache-snapshot-write-cold-duration`, a Go duration such as "2s" (influxd's default: 10m). */
  cacheSnapshotWriteColdDuration?: string;
  /** `compact-full-write-cold-duration`, a Go duration such as "2s" (influxd's default: 4h). */
  compactFullWriteColdDuration?: string;
}

function goDuration(name: string, value: string): string {
  if (!/^\d+(ns|us|µs|ms|s|m|h)$/.test(value)) throw new Error(`${name} must be a Go duration such as "2s", not ${JSON.stringify(value)}`);
  return value;
}

function dataSettings(options: InfluxdOptions): string {
  let lines = '';
  if (options.cacheSnapshotWriteColdDuration !== undefined) lines += `  cache-snapshot-write-cold-duration = "${goDuration('cacheSnapshotWriteColdDuration', options.cacheSnapshotWriteColdDuration)}"\n`;
  if (options.compactFullWriteColdDuration !== undefined) lines += `  compact-full-write-cold-duration = "${goDuration('compactFullWriteColdDuration', options.compactFullWriteColdDuration)}"\n`;
  return lines;
}

function configText(dir: string, httpPort: number, rpcPort: number, options: InfluxdOptions = {}): string {
  return `reporting-disabled = true
bind-address = "${HOST}:${rpcPort}"
[meta]
  dir = "${join(dir, 'meta')}"
  logging-enabled = false
[data]
  dir = "${join(dir, 'data')}"
  wal-dir = "${join(dir, 'wal')}"
  query-log-enabled = false
${dataSettings(options)}[coordinator]
  log-queries-after = "0s"
[monitor]
  store-enabled = false
[http]
  enabled = true
  bind-address = "${HOST}:${httpPort}"
  log-enabled = false
[logging]
  level = "warn"
[subscriber]
  enabled = false
[continuous_queries]
  enabled = true
  log-enabled = false
`;
}

export async function startInfluxd(options: InfluxdOptions = {}): Promise<Influxd> {
  const binary = influxdPath();
  if (!binary) {
    throw new Error("influxd is not installed: apt-get install influxdb (Debian's package; .ci/run does it), or set SWARMSCOPE_SKIP_INFLUX=1 to skip these tests locally");
  }
  const dir = mkdtempSync(join(tmpdir(), 'swarmscope-influxd-'));
  const port = await freeTcpPort();
  const configPath = join(dir, 'influxdb.conf');
  writeFileSync(configPath, configText(dir, port, await freeTcpPort(), options));
  const url = `http://${HOST}:${port}`;
  let child: ChildProcess | undefined;
  let output = '';
  const killOnExit = (): void => {
    child?.kill('SIGKILL');
  };
  process.on('exit', killOnExit);

  const handle: Influxd = {
    url,
    port,
    dir,
    storeUrl: (database) => `influx://${HOST}:${port}/${database}`,
    log: () => output,
    async start() {
      if (child) return;
      const started = spawn(binary, ['-config', configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
      child = started;
      started.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      started.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      started.once('exit', () => {
        if (child === started) child = undefined;
      });
      await waitForPing(url, started, () => output);
    },
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      const running = child;
      if (!running) return;
      const exited = once(running, 'exit');
      running.kill(signal);
      const timer = setTimeout(() => running.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
      child = undefined;
    },
    async dispose() {
      await handle.stop();
      process.off('exit', killOnExit);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await handle.start();
  } catch (error) {
    await handle.dispose();
    throw error;
  }
  return handle;
}

async function waitForPing(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadlineMs = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadlineMs) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`influxd exited with ${child.exitCode ?? child.signalCode}: ${output()}`);
    try {
      const response = await fetch(`${url}/ping`, { signal: AbortSignal.timeout(1000) });
      if (response.status === 204) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.kill('SIGKILL');
  throw new Error(`influxd did not answer /ping within ${START_TIMEOUT_MS} ms: ${output()}`);
}

/** A private influxd for one test, disposed when the test ends. */
export async function influxdForTest(t: { after(fn: () => Promise<void>): void }): Promise<Influxd> {
  const influxd = await startInfluxd();
  t.after(() => influxd.dispose());
  return influxd;
}
