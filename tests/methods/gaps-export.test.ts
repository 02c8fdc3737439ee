/**
 * Issue 13's round trip: a collector sweeps a sim, is stopped, comes back unable to reach the DHT,
 * then recovers (three real processes over one store). The export of that range — a file alone,
 * re-importing nothing — tells how many sweeps there were, the gaps with their causes, and the
 * methods fields; the API says the same, and a series line breaks at each gap.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT, closedUdpPort, runCli, spawnTsx, startApiProcess, startSimProcess } from '../helpers/child-processes.ts';
import { sweepCounts, waitFor } from '../faults/fault-helpers.ts';

const sweepCount = (path: string, outcome: 'done' | 'failed') => sweepCounts(path)[outcome];

const INTERVAL_MS = 2_000;

/** Parses an exported CSV as a reader would: `# ` lines, then time,value rows. */
function readCsv(text: string) {
  const lines = text.trimEnd().split('\n');
  const methods = new Map<string, string>();
  const gaps: { from: string; to: string; cause: string }[] = [];
  const rows: [string, string][] = [];
  for (const line of lines) {
    const method = /^# methods\.([^:]+): (.*)$/.exec(line);
    const gap = /^# gap: ([^,]+),([^,]+),([^,]+)/.exec(line);
    if (method) methods.set(method[1]!, method[2]!);
    else if (gap) gaps.push({ from: gap[1]!, to: gap[2]!, cause: gap[3]! });
    else if (line !== 'time,value') rows.push(line.split(',') as [string, string]);
  }
  return { methods, gaps, rows };
}

test('export of a range with a stop and a DHT outage: sweeps, gaps and causes, and the methods record, from the file alone', { timeout: 240_000 }, async (t) => {
  const sim = await startSimProcess(t, ['--nodes', '120', '--torrents', '2', '--seed', '5']);
  const infohash = sim.torrents[0]!.infohash;
  const dir = mkdtempSync(join(tmpdir(), 'swarmscope-gaps-'));
  const dbPath = join(dir, 'db.sqlite');
  const store = `sqlite:${dbPath}`;
  const common = ['--store', store, '--watch', infohash, '--allow-private-addresses', '--dht-loopback-only', '--interval', `${INTERVAL_MS / 1000}s`, '--log-level', 'warn'];
  const startedAtMs = Date.now();

  // 1. Three sweeps, then the collector stops.
  const first = spawnTsx('cli/main.ts', ['collect', ...common, '--data-dir', join(dir, 'a'), '--bootstrap', sim.bootstrap.join(',')]);
  t.after(() => first.stop('SIGKILL'));
  await waitFor(() => sweepCount(dbPath, 'done') >= 3, 'three sweeps');
  await first.stop();
  // 2. Down for longer than 1.5 intervals, then back with no reachable bootstrap node (a fresh data
  //    folder: no saved nodes either). The first join fails at once, the retry 5 s later.
  await new Promise((resolve) => setTimeout(resolve, 2 * INTERVAL_MS));
  const deadPort = await closedUdpPort();
  const second = spawnTsx('cli/main.ts', ['collect', ...common, '--data-dir', join(dir, 'b'), '--bootstrap', `127.0.0.1:${deadPort}`, '--bootstrap-timeout', '300']);
  t.after(() => second.stop('SIGKILL'));
  await waitFor(() => sweepCount(dbPath, 'failed') >= 2, 'two failed joins');
  await second.stop();
  // 3. Back for good.
  const third = spawnTsx('cli/main.ts', ['collect', ...common, '--data-dir', join(dir, 'a'), '--bootstrap', sim.bootstrap.join(',')]);
  t.after(() => third.stop('SIGKILL'));
  const doneBefore = sweepCount(dbPath, 'done');
  await waitFor(() => sweepCount(dbPath, 'done') >= doneBefore + 2, 'two more sweeps');
  await third.stop();
  const endedAtMs = Date.now();

  const range = ['--infohash', infohash, '--metric', 'dht_nodes', '--from', new Date(startedAtMs).toISOString(), '--to', new Date(endedAtMs).toISOString(), '--step', '0'];
  const csvRun = await runCli(['export', ...range, '--store', store]);
  assert.equal(csvRun.code, 0, csvRun.stderr);
  const csv = readCsv(csvRun.stdout);

  // Sweeps: every done sweep is one row with a value; the file's counts agree with its rows.
  const done = sweepCount(dbPath, 'done');
  const values = csv.rows.filter(([, value]) => value !== '');
  assert.equal(values.length, done, 'one sample per sweep');
  assert.equal(Number(csv.methods.get('range.sweeps.done')), done);
  assert.ok(Number(csv.methods.get('range.sweeps.failedAttempts')) >= 2);
  assert.equal(Number(csv.methods.get('range.sweeps.missed')), Number(csv.methods.get('range.sweeps.planned')) - done);
  assert.ok(Number(csv.methods.get('range.sweeps.missed')) >= 2, 'the stop and the outage cost sweep slots');

  // Gaps, in order: the stop (collector_down), then the outage (dht_unreachable); maybe a short
  // collector_down between the last failed join and the restart. No sample lies inside a gap, and
  // each gap has a break row (an empty value) so a plotted line stops.
  const causes = csv.gaps.map((gap) => gap.cause);
  assert.equal(causes[0], 'collector_down');
  assert.ok(causes.includes('dht_unreachable'), causes.join(', '));
  assert.ok(causes.every((cause) => cause === 'collector_down' || cause === 'dht_unreachable'), causes.join(', '));
  for (const gap of csv.gaps) {
    const [fromMs, toMs] = [Date.parse(gap.from), Date.parse(gap.to)];
    assert.ok(!values.some(([time]) => Date.parse(time) > fromMs && Date.parse(time) < toMs), `a sample inside the gap ${gap.from}..${gap.to}`);
    assert.ok(csv.rows.some(([time, value]) => value === '' && Date.parse(time) > fromMs && Date.parse(time) < toMs), 'a break row inside each gap');
  }
  assert.equal(Number(csv.methods.get('range.gaps')), csv.gaps.length);
  assert.match(readFileSync(join(ROOT, 'README.md'), 'utf8'), /collector_down/, 'README defines the causes');

  // Methods: the software and commit, the store, the lookup limits and rules, the privacy settings.
  const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
  assert.match(csv.methods.get('software.commit')!, new RegExp(`^${head}(\\+dirty)?$`));
  assert.equal(csv.methods.get('store'), 'sqlite');
  assert.equal(csv.methods.get('metric.name'), 'dht_nodes');
  assert.equal(csv.methods.get('collectorSettings.0.cadence.intervalMs'), String(INTERVAL_MS));
  assert.equal(csv.methods.get('collectorSettings.0.lookup.k'), '8');
  assert.equal(csv.methods.get('collectorSettings.0.corroboration.minSourcesPerValue'), '2');
  assert.equal(csv.methods.get('collectorSettings.0.addressFamilies.ipv4'), 'true');
  assert.match(csv.methods.get('collectorSettings.0.geo.countries.version')!, /^\d+\.\d+\.\d+/);
  assert.equal(csv.methods.get('collectorSettings.0.privacy.rawPeerAddresses'), 'false');
  assert.match(csv.methods.get('collectorSettings.0.bep33.rule')!, /saturated/);

  // JSON export and --methods-file carry the same gaps; the API answers the same.
  const jsonRun = await runCli(['export', ...range, '--format', 'json', '--methods-file', join(dir, 'methods.json'), '--store', store]);
  assert.equal(jsonRun.code, 0, jsonRun.stderr);
  const json = JSON.parse(jsonRun.stdout) as { points: [string, number | null][]; gaps: { cause: string }[]; methods: { range: { sweeps: { done: number } } } };
  assert.deepEqual(json.gaps.map((gap) => gap.cause), causes);
  assert.equal(json.methods.range.sweeps.done, done);
  assert.equal(json.points.filter(([, value]) => value === null).length, csv.gaps.length);
  const sidecar = JSON.parse(readFileSync(join(dir, 'methods.json'), 'utf8')) as { gaps: unknown[]; methods: { range: { sweeps: { done: number } } } };
  assert.equal(sidecar.gaps.length, csv.gaps.length);
  assert.equal(sidecar.methods.range.sweeps.done, done);

  const api = await startApiProcess(t, ['serve', '--store', store]);
  const query = new URLSearchParams({ metric: 'dht_nodes', from: new Date(startedAtMs).toISOString(), to: new Date(endedAtMs).toISOString(), step: '0', methods: 'true' });
  const answer = (await (await fetch(`${api.url}/api/v1/torrents/${infohash}/series?${query}`)).json()) as typeof json;
  assert.deepEqual(answer.gaps, json.gaps);
  assert.equal(answer.methods.range.sweeps.done, done);
  const installation = (await (await fetch(`${api.url}/api/v1/methods`)).json()) as { collectorSettings: { lookup: { maxQueries: number } }[]; software: { commit: string } };
  assert.equal(installation.collectorSettings.length, 1);
  assert.equal(installation.collectorSettings[0]!.lookup.maxQueries, 400);
});
