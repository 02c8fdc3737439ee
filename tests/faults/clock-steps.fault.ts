/**
 * The system clock stepped backwards and forwards under a running collector. libfaketime (Debian
 * `faketime`, preloaded into the collector only; this machine's clock is never touched) moves the
 * wall clock by rewriting an offset file; the monotonic clock stays real, as with an NTP step.
 * Counted: sweeps kept coming after each step (a timer or a rate limiter on the wall clock would
 * stall for the step's length), every done sweep's samples stored once, stamps never out of order,
 * the "latest sample" pointer on the newest sample, both steps in the sweep log, and the span the
 * forward step skipped labelled `clock_step` in the export, not `collector_down`.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { runCli } from '../helpers/child-processes.ts';
import { report, startCollector, startSim, sweepCounts, waitFor } from './fault-helpers.ts';

const LIBFAKETIME = ['/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1', '/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1'].find((path) => existsSync(path));
const HOUR_MS = 3_600_000;

function readStamps(path: string) {
  const db = new Database(path, { readonly: true });
  try {
    const samples = db.prepare('SELECT infohash, at_ms FROM swarm ORDER BY infohash, at_ms').all() as { infohash: string; at_ms: number }[];
    const sweeps = db.prepare(`SELECT id, finished_at_ms FROM sweeps WHERE outcome = 'done' ORDER BY id`).all() as { id: number; finished_at_ms: number }[];
    const latest = db.prepare('SELECT count(*) AS n FROM swarm_latest l WHERE l.at_ms = (SELECT max(at_ms) FROM swarm s WHERE s.infohash = l.infohash)').get() as { n: number };
    const steps = db.prepare('SELECT step_ms, smeared FROM clock_steps ORDER BY id').all() as { step_ms: number; smeared: number }[];
    const outOfOrder = sweeps.filter((sweep, index) => index > 0 && sweep.finished_at_ms <= sweeps[index - 1]!.finished_at_ms).length;
    return { samples: samples.length, distinct: new Set(samples.map((row) => `${row.infohash}@${row.at_ms}`)).size, sweeps, latestOnNewest: latest.n, steps, outOfOrder };
  } finally {
    db.close();
  }
}

test('the system clock stepped back an hour, then forward three: sweeps go on, stamps stay in order, steps are recorded', { timeout: 300_000 }, async (t) => {
  assert.ok(LIBFAKETIME, 'libfaketime is needed (Debian package faketime; .ci/run installs it)');
  const sim = await startSim(t);
  const infohashes = sim.torrents.map((torrent) => torrent.infohash);
  const dataDir = mkdtempSync(join(tmpdir(), 'swarmscope-fault-clock-'));
  const path = join(dataDir, 'db.sqlite');
  const offsetFile = join(dataDir, 'faketime');
  writeFileSync(offsetFile, '+0\n');
  // Only the wall clock is faked: timers and performance.now() run on CLOCK_MONOTONIC, as under NTP.
  const fakeClock = { LD_PRELOAD: LIBFAKETIME, FAKETIME_TIMESTAMP_FILE: offsetFile, FAKETIME_DONT_FAKE_MONOTONIC: '1', FAKETIME_NO_CACHE: '1' };
  const startedAtMs = Date.now();
  const collector = startCollector(t, { store: `sqlite:${path}`, dataDir, bootstrap: sim.bootstrap, infohashes, env: fakeClock });

  await waitFor(() => sweepCounts(path).done >= 3, 'three sweeps before the steps');
  writeFileSync(offsetFile, '-1h\n');
  const beforeBack = sweepCounts(path).done;
  await waitFor(() => sweepCounts(path).done >= beforeBack + 3, 'three sweeps after the clock stepped back an hour', 60_000);
  writeFileSync(offsetFile, '+2h\n');
  const beforeForward = sweepCounts(path).done;
  await waitFor(() => sweepCounts(path).done >= beforeForward + 3, 'three sweeps after the clock stepped forward three hours', 60_000);
  await collector.stop('SIGTERM');

  const stamps = readStamps(path);
  const exported = await runCli(['export', '--infohash', infohashes[0]!, '--metric', 'dht_peers', '--from', new Date(startedAtMs - 2 * HOUR_MS).toISOString(), '--step', '0', '--format', 'json', '--store', `sqlite:${path}`], { env: fakeClock });
  assert.equal(exported.code, 0, exported.stderr);
  const answer = JSON.parse(exported.stdout) as { gaps: { cause: string; from: string; to: string }[] };
  // The collector was stopped before the export ran: a collector_down gap after the last sweep is true.
  const lastSweepMs = stamps.sweeps.at(-1)!.finished_at_ms;
  const causes = answer.gaps.filter((gap) => Date.parse(gap.from) < lastSweepMs).map((gap) => gap.cause);
  const stepsText = stamps.steps.map((step) => `${step.step_ms > 0 ? '+' : ''}${Math.round(step.step_ms / 1000)} s${step.smeared ? ' (smeared)' : ''}`).join(', ');
  report(t, `clock stepped -1 h then +3 h (libfaketime): ${stamps.sweeps.length} sweeps done, ${stamps.sweeps.length * infohashes.length} samples written, ${stamps.samples} found, ${stamps.samples - stamps.distinct} duplicates, ${stamps.outOfOrder} sweeps stamped out of order, latest pointer on the newest sample for ${stamps.latestOnNewest}/${infohashes.length} torrents; steps recorded: ${stepsText}; export gaps up to the last sweep: ${causes.join(', ') || 'none'}`);

  assert.equal(stamps.samples, stamps.sweeps.length * infohashes.length, 'every done sweep stored its samples, once');
  assert.equal(stamps.samples, stamps.distinct, 'no sample twice');
  assert.equal(stamps.outOfOrder, 0, 'sweep stamps never go back');
  assert.equal(stamps.latestOnNewest, infohashes.length);
  assert.equal(stamps.steps.length, 2, stepsText);
  assert.ok(Math.abs(stamps.steps[0]!.step_ms + HOUR_MS) < 60_000 && stamps.steps[0]!.smeared === 1, 'the backward step, smeared');
  assert.ok(Math.abs(stamps.steps[1]!.step_ms - 3 * HOUR_MS) < 60_000 && stamps.steps[1]!.smeared === 0, 'the forward step');
  assert.ok(causes.includes('clock_step'), causes.join(', '));
  assert.ok(!causes.includes('collector_down'), `the skipped span is not a collector outage: ${causes.join(', ')}`);
});
