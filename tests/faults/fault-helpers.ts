/**
 * What the fault matrix (issue 14, `npm run test:faults`) shares: a sim in its own process, a
 * collector run as the CLI runs it, the sweep log read from the state database, and one line per
 * case saying what was injected and what was counted.
 */
import Database from 'better-sqlite3';
import type { TestContext } from 'node:test';
import { spawnTsx, startSimProcess, type Spawned } from '../helpers/child-processes.ts';

export async function waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 120_000): Promise<void> {
  const deadlineMs = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadlineMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Counts from the sweep log (store/state/sweep-log.ts), read-only beside the running writer. */
export function sweepCounts(stateDbPath: string): { done: number; failed: number; causes: string[] } {
  try {
    const db = new Database(stateDbPath, { readonly: true, fileMustExist: true });
    try {
      const rows = db.prepare('SELECT outcome, cause FROM sweeps ORDER BY id').all() as { outcome: string; cause: string | null }[];
      return { done: rows.filter((row) => row.outcome === 'done').length, failed: rows.filter((row) => row.outcome === 'failed').length, causes: rows.flatMap((row) => (row.cause ? [row.cause] : [])) };
    } finally {
      db.close();
    }
  } catch {
    return { done: 0, failed: 0, causes: [] };
  }
}

export async function startSim(t: TestContext, torrents = 3) {
  return startSimProcess(t, ['--nodes', '150', '--torrents', String(torrents), '--seed', '31', '--min-peers', '20', '--max-peers', '60', '--countries', 'DE=0.5,US=0.3']);
}

/** `swarmscope collect` sweeping every `intervalS` seconds, as a user runs it. */
export function startCollector(t: TestContext, args: { store: string; dataDir: string; bootstrap: string[]; infohashes: string[]; intervalS?: number; env?: NodeJS.ProcessEnv }): Spawned {
  const collector = spawnTsx('cli/main.ts', [
    'collect',
    '--store', args.store,
    '--data-dir', args.dataDir,
    '--bootstrap', args.bootstrap.join(','),
    ...args.infohashes.flatMap((infohash) => ['--watch', infohash]),
    '--interval', `${args.intervalS ?? 2}s`,
    '--allow-private-addresses',
    '--dht-loopback-only',
    '--log-level', 'warn',
  ], args.env);
  t.after(() => collector.stop('SIGKILL'));
  return collector;
}

/** The one line a fault case prints: what it injected, what it counted. */
export function report(t: TestContext, line: string): void {
  t.diagnostic(`fault: ${line}`);
}
