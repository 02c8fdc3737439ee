/**
 * A private opentracker (Debian's `opentracker` package) for one test file: its own config and
 * whitelist in a temporary folder, HTTP and UDP on one free loopback port. Debian builds it with
 * WANT_ACCESSLIST_WHITE (README.Debian), so only whitelisted infohashes can be announced: the
 * caller lists them up front. Run as root it chroots into the folder and drops to `nobody`, hence
 * the world-readable folder and the whitelist path inside the chroot.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeTcpPort } from '../helpers/influxd.ts';

const HOST = '127.0.0.1';

export interface OpenTracker {
  port: number;
  announceUrl: string;
  udpUrl: string;
  dispose(): Promise<void>;
}

export function opentrackerPath(): string | undefined {
  try {
    return execFileSync('sh', ['-c', 'command -v opentracker'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Like influxd: missing is a failure (CI installs it), unless SWARMSCOPE_SKIP_OPENTRACKER=1 asks to skip on a developer machine. */
export function opentrackerSkip(): string | false {
  if (opentrackerPath() !== undefined) return false;
  return process.env.SWARMSCOPE_SKIP_OPENTRACKER === '1' ? 'opentracker is not installed and SWARMSCOPE_SKIP_OPENTRACKER=1' : false;
}

export async function startOpenTracker(whitelist: readonly string[]): Promise<OpenTracker> {
  const binary = opentrackerPath();
  if (!binary) throw new Error("opentracker is not installed: apt-get install opentracker (Debian's package; .ci/run does it)");
  const dir = mkdtempSync(join(tmpdir(), 'swarmscope-opentracker-'));
  chmodSync(dir, 0o755);
  writeFileSync(join(dir, 'whitelist.txt'), `${whitelist.join('\n')}\n`, { mode: 0o644 });
  const chrooted = process.getuid?.() === 0;
  writeFileSync(join(dir, 'opentracker.conf'), `tracker.rootdir ${dir}\naccess.whitelist ${chrooted ? '/whitelist.txt' : join(dir, 'whitelist.txt')}\n`);
  // opentracker takes the same number for UDP; a TCP port free on loopback is almost always free for UDP too.
  const port = await freeTcpPort();
  const child: ChildProcess = spawn(binary, ['-f', join(dir, 'opentracker.conf'), '-i', HOST, '-p', String(port), '-P', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const killOnExit = (): void => void child.kill('SIGKILL');
  process.on('exit', killOnExit);
  const dispose = async (): Promise<void> => {
    process.off('exit', killOnExit);
    if (child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`opentracker exited with ${child.exitCode}: ${output}`);
    try {
      // The whitelist is read by a thread after start; a scrape answering at all means HTTP is up.
      const response = await fetch(`http://${HOST}:${port}/scrape?info_hash=${'%00'.repeat(20)}`, { signal: AbortSignal.timeout(500) });
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await dispose();
      throw new Error(`opentracker did not answer within 10 s: ${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { port, announceUrl: `http://${HOST}:${port}/announce`, udpUrl: `udp://${HOST}:${port}/announce`, dispose };
}
