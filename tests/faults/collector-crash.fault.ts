/**
 * Faults of the collector and its network, on SQLite:
 * - SIGKILL mid-sweep five times in a row, then a clean run: the database passes integrity_check,
 *   no sample is stored twice, every sweep the log calls done has its samples, and each restart
 *   sweeps again;
 * - the DHT partitioned (the sim frozen with SIGSTOP) for several sweeps: recorded as "no
 *   measurement" (failed sweeps, a dht_unreachable gap), never as zero peers;
 * - SIGTERM in the middle of a long sweep (issue 12: 10,000 torrents take minutes, longer than a
 *   service manager waits): the collector stops starting lookups, writes what it measured, logs
 *   the rest as not measured, and exits.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { runCli } from '../helpers/child-processes.ts';
import { report, sleep, startCollector, startSim, sweepCounts, waitFor } from './fault-helpers.ts';

function readStore(path: string) {
  const db = new Database(path, { readonly: true });
  try {
    return {
      integrity: (db.prepare('PRAGMA integrity_check').get() as { integrity_check: string }).integrity_check,
      samples: (db.prepare('SELECT count(*) AS n FROM swarm').get() as { n: number }).n,
      distinct: (db.prepare('SELECT count(*) AS n FROM (SELECT DISTINCT infohash, at_ms FROM swarm)').get() as { n: number }).n,
      zeroPeers: (db.prepare('SELECT count(*) AS n FROM swarm WHERE dht_peers = 0').get() as { n: number }).n,
      doneWithoutSamples: (db.prepare(`SELECT count(*) AS n FROM sweeps s WHERE s.outcome = 'done' AND s.measured > 0 AND NOT EXISTS (SELECT 1 FROM swarm w WHERE w.at_ms = s.finished_at_ms)`).get() as { n: number }).n,
    };
  } finally {
    db.close();
  }
}

test('the collector SIGKILLed mid-sweep five times in a row: nothing corrupt, nothing twice, every done sweep stored', { timeout: 300_000 }, async (t) => {
  const sim = await startSim(t);
  const infohashes = sim.torrents.map((torrent) => torrent.infohash);
  const dataDir = mkdtempSync(join(tmpdir(), 'swarmscope-fault-kill-'));
  const path = join(dataDir, 'db.sqlite');
  const args = { store: `sqlite:${path}`, dataDir, bootstrap: sim.bootstrap, infohashes };
  for (let kill = 0; kill < 5; kill++) {
    const before = sweepCounts(path).done;
    const collector = startCollector(t, args);
    await waitFor(() => sweepCounts(path).done > before, `a sweep before kill ${kill + 1}`);
    // Somewhere inside the next sweep (a sweep of three torrents on the sim takes about a second).
    await sleep(2_000 + ((kill * 397) % 900));
    await collector.stop('SIGKILL');
  }
  const beforeClean = sweepCounts(path).done;
  const collector = startCollector(t, args);
  await waitFor(() => sweepCounts(path).done >= beforeClean + 2, 'two sweeps after the last kill');
  await collector.stop('SIGTERM');
  const store = readStore(path);
  const { done } = sweepCounts(path);
  report(t, `collector SIGKILLed 5 times mid-sweep: integrity ${store.integrity}; ${done} sweeps done, ${store.samples} samples stored (${done * infohashes.length} from done sweeps, ${store.samples - done * infohashes.length} from sweeps killed between writing and logging), ${store.samples - store.distinct} duplicates, ${store.doneWithoutSamples} done sweeps without samples`);
  assert.equal(store.integrity, 'ok');
  assert.equal(store.samples, store.distinct, 'no sample twice');
  assert.equal(store.doneWithoutSamples, 0, 'every done sweep has its samples');
  assert.ok(store.samples >= done * infohashes.length && store.samples <= (done + 5) * infohashes.length);
});

test('the DHT partitioned for several sweeps: no measurement (a dht_unreachable gap), never zero peers', { timeout: 300_000 }, async (t) => {
  const sim = await startSim(t);
  const infohashes = sim.torrents.map((torrent) => torrent.infohash);
  const dataDir = mkdtempSync(join(tmpdir(), 'swarmscope-fault-partition-'));
  const path = join(dataDir, 'db.sqlite');
  const startedAtMs = Date.now();
  const collector = startCollector(t, { store: `sqlite:${path}`, dataDir, bootstrap: sim.bootstrap, infohashes });
  await waitFor(() => sweepCounts(path).done >= 2, 'two sweeps before the partition');
  sim.process.child.kill('SIGSTOP');
  const frozenAt = sweepCounts(path);
  await waitFor(() => sweepCounts(path).failed >= frozenAt.failed + 2, 'two sweeps during the partition', 120_000);
  sim.process.child.kill('SIGCONT');
  const thawed = sweepCounts(path).done;
  await waitFor(() => sweepCounts(path).done >= thawed + 2, 'two sweeps after it', 120_000);
  await collector.stop('SIGTERM');
  const counts = sweepCounts(path);
  const store = readStore(path);
  const exported = await runCli(['export', '--infohash', infohashes[0]!, '--metric', 'dht_peers', '--from', new Date(startedAtMs).toISOString(), '--step', '0', '--format', 'json', '--store', `sqlite:${path}`]);
  const gaps = (JSON.parse(exported.stdout) as { gaps: { cause: string }[] }).gaps;
  report(t, `DHT partitioned (sim SIGSTOP): ${counts.failed} sweeps failed (${[...new Set(counts.causes.map((cause) => cause.split(':')[0]))].join(', ')}), ${counts.done} done; ${store.zeroPeers} samples of zero peers; export gaps: ${gaps.map((gap) => gap.cause).join(', ')}`);
  assert.equal(store.zeroPeers, 0, 'a partition is never recorded as zero peers');
  assert.ok(counts.causes.some((cause) => cause.startsWith('dht_unreachable')), counts.causes.join('; '));
  assert.ok(gaps.some((gap) => gap.cause === 'dht_unreachable'));
});

test('SIGTERM in the middle of a long sweep: what was measured is written, the rest logged as not measured', { timeout: 300_000 }, async (t) => {
  // 200 torrents one at a time: a full sweep takes minutes, so the stop lands inside the first one.
  const sim = await startSim(t, 200);
  const dataDir = mkdtempSync(join(tmpdir(), 'swarmscope-fault-stop-'));
  const path = join(dataDir, 'db.sqlite');
  const collector = startCollector(t, { store: `sqlite:${path}`, dataDir, bootstrap: sim.bootstrap, infohashes: sim.torrents.map((torrent) => torrent.infohash), intervalS: 3600, env: { SWARMSCOPE_CONCURRENCY: '1' } });
  await sleep(8_000);
  const stoppedAt = performance.now();
  const code = await collector.stop('SIGTERM');
  const stopSeconds = (performance.now() - stoppedAt) / 1000;
  const db = new Database(path, { readonly: true });
  const sweep = db.prepare('SELECT id, outcome, planned, measured FROM sweeps ORDER BY id DESC LIMIT 1').get() as { id: number; outcome: string; planned: number; measured: number } | undefined;
  const misses = sweep ? (db.prepare('SELECT count(*) AS n, min(cause) AS cause FROM sweep_misses WHERE sweep_id = ?').get(sweep.id) as { n: number; cause: string }) : { n: 0, cause: '' };
  const samples = (db.prepare('SELECT count(*) AS n FROM swarm').get() as { n: number }).n;
  db.close();
  report(t, `SIGTERM 8 s into a sweep of 200 torrents one at a time: exit ${code} after ${stopSeconds.toFixed(1)} s; sweep ${sweep?.outcome}, ${sweep?.measured} of ${sweep?.planned} measured, ${samples} samples written, ${misses.n} logged as not measured ("${misses.cause}")`);
  assert.equal(code, 0, collector.stderr());
  assert.ok(sweep, 'the interrupted sweep is in the log');
  assert.equal(sweep.outcome, 'done');
  assert.equal(sweep.planned, 200);
  assert.ok(sweep.measured > 0 && sweep.measured < 200, `measured ${sweep.measured}: the stop landed inside the sweep`);
  assert.equal(samples, sweep.measured, 'every measured torrent written, none invented');
  assert.equal(misses.n, 200 - sweep.measured, 'every other torrent logged as not measured');
  assert.match(misses.cause, /collector stopped during the sweep/);
});
