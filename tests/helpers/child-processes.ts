/**
 * Child processes the integration tests run: the sim (`tsx sim/main.ts`) and the `swarmscope` CLI.
 * Each runs in its own process, as in production, so a sweep and the swarm it measures do not share
 * one event loop. Every child is killed when the test ends, whatever happens.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface Spawned {
  child: ChildProcess;
  firstLine: Promise<string>;
  stdout: () => string;
  stderr: () => string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export function spawnTsx(script: string, args: string[], env: NodeJS.ProcessEnv = {}): Spawned {
  // Node itself with tsx's loader (not the tsx wrapper), so a signal reaches the process under test.
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const firstLine = new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('\n')) resolve(stdout.slice(0, stdout.indexOf('\n')));
    });
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code} before printing a line: ${stderr}`)));
  });
  // Tests that expect an early exit never await the line: keep its rejection from going unhandled.
  firstLine.catch(() => {});
  const stop = async (signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> => {
    if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
    const exited = once(child, 'exit');
    child.kill(signal);
    const [code] = (await exited) as [number | null];
    return code;
  };
  return { child, firstLine, stdout: () => stdout, stderr: () => stderr, stop };
}

export interface SimAnnouncement {
  bootstrap: string[];
  /** `[::1]:port` entries when the sim runs with --ipv6, else empty. */
  bootstrap6: string[];
  /** `stored`: distinct peers the holders store (sim/stored-peers.ts), `corroborable`: those two or more holders store. */
  torrents: { infohash: string; peers: number; peersV6: number; seeds: number; seedsV6: number; stored: number; corroborable: number }[];
  hostile: { host: string; port: number; port6?: number; behaviour: string }[];
}

/** Starts `sim/main.ts` with the given flags and waits for its JSON line; stopped when the test ends. */
export async function startSimProcess(t: TestContext, args: string[]): Promise<SimAnnouncement & { process: Spawned }> {
  const sim = spawnTsx('sim/main.ts', args);
  t.after(() => sim.stop('SIGKILL'));
  const announcement = JSON.parse(await sim.firstLine) as SimAnnouncement;
  return { ...announcement, process: sim };
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  durationMs: number;
}

/** Runs `swarmscope <args>` to completion (killed after `timeoutMs`). */
export async function runCli(args: string[], options: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  const startedMs = Date.now();
  const cli = spawnTsx('cli/main.ts', args, { SWARMSCOPE_LOG_LEVEL: 'warn', ...options.env });
  const timer = setTimeout(() => cli.child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
  const [code] = (await once(cli.child, 'exit')) as [number | null];
  clearTimeout(timer);
  return { code, stdout: cli.stdout(), stderr: cli.stderr(), durationMs: Date.now() - startedMs };
}

/** Starts a long-running `swarmscope <command>` that serves the API; resolves with its URL. */
export async function startApiProcess(t: TestContext, args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ url: string; process: Spawned }> {
  const server = spawnTsx('cli/main.ts', [...args, '--port', '0'], { SWARMSCOPE_LOG_LEVEL: 'warn', ...env });
  t.after(() => server.stop('SIGKILL'));
  const deadlineMs = Date.now() + 30_000;
  while (Date.now() < deadlineMs) {
    const match = /API and page at (http:\/\/\S+)/.exec(server.stderr());
    if (match) return { url: match[1]!, process: server };
    if (server.child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`swarmscope ${args[0]} did not start: ${server.stderr()}`);
}

/** A UDP port that nothing listens on (bound, then released). */
export async function closedUdpPort(): Promise<number> {
  const dgram = await import('node:dgram');
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}
