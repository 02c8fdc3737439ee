/**
 * Fault: InfluxDB killed (SIGKILL) for 60 s while the collector sweeps every 2 s, then back on the
 * same port and data. Nothing is lost: every sweep the log calls done has its sample in InfluxDB for
 * every torrent, and its country series and peer sketch too (they are spooled since issue 14);
 * nothing is duplicated (one point per torrent per sweep time).
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { influxSkip, influxdForTest } from '../helpers/influxd.ts';
import { report, sleep, startCollector, startSim, sweepCounts, waitFor } from './fault-helpers.ts';

const OUTAGE_MS = Number(process.env.SWARMSCOPE_FAULT_OUTAGE_S ?? 60) * 1000;
const DATABASE = 'outage';

test(`influxd killed for ${OUTAGE_MS / 1000} s during sweeps: every sample, country series and sketch arrives, none twice`, { skip: influxSkip(), timeout: OUTAGE_MS + 240_000 }, async (t) => {
  const sim = await startSim(t);
  const infohashes = sim.torrents.map((torrent) => torrent.infohash);
  const influxd = await influxdForTest(t);
  const dataDir = mkdtempSync(join(tmpdir(), 'swarmscope-fault-influx-'));
  const stateDb = join(dataDir, 'swarmscope-state.db');
  const collector = startCollector(t, { store: influxd.storeUrl(DATABASE), dataDir, bootstrap: sim.bootstrap, infohashes });
  await waitFor(() => sweepCounts(stateDb).done >= 3, 'three sweeps before the outage');

  await influxd.stop('SIGKILL');
  const killedAtDone = sweepCounts(stateDb).done;
  await sleep(OUTAGE_MS);
  const duringOutage = sweepCounts(stateDb).done - killedAtDone;
  await influxd.start();
  const backAtDone = sweepCounts(stateDb).done;
  await waitFor(() => sweepCounts(stateDb).done >= backAtDone + 3, 'three sweeps after the store is back');
  // Let the replay finish, then stop the collector (a clean stop keeps the rest of the spool for the next start).
  await sleep(5_000);
  await collector.stop('SIGTERM');

  const done = sweepCounts(stateDb).done;
  const query = async (statement: string) => {
    const response = await fetch(`${influxd.url}/query?${new URLSearchParams({ db: DATABASE, q: statement, epoch: 'ms' })}`);
    const body = (await response.json()) as { results: { series?: { tags?: Record<string, string>; values: unknown[][] }[] }[] };
    return body.results[0]!.series ?? [];
  };
  const perTorrent = await query('SELECT count("dht_nodes") FROM "raw"."swarm" GROUP BY "infohash"');
  const written = perTorrent.reduce((sum, series) => sum + Number(series.values[0]![1]), 0);
  const distinctTimes = new Set((await query('SELECT "dht_nodes" FROM "raw"."swarm"')).flatMap((series) => series.values.map((row) => `${row[0]}`))).size;
  const geoTimes = new Set((await query('SELECT "peers" FROM "raw"."swarm_geo"')).flatMap((series) => series.values.map((row) => row[0]))).size;
  const sketches = (await query('SELECT count("hll") FROM "raw"."swarm_sketch" GROUP BY "infohash"')).reduce((sum, series) => sum + Number(series.values[0]![1]), 0);
  report(t, `influxd down ${OUTAGE_MS / 1000} s (SIGKILL): ${done} sweeps done (${duringOutage} during the outage), ${done * infohashes.length} samples expected, ${written} found, ${written - distinctTimes * infohashes.length} duplicates; country series at ${geoTimes} sweep times; ${sketches} sketches`);
  assert.ok(duringOutage >= 2, 'the collector kept sweeping while the store was down');
  assert.equal(written, done * infohashes.length, 'no sample lost');
  assert.equal(distinctTimes, done, 'one sweep time per done sweep: nothing twice');
  assert.equal(geoTimes, done, 'the country series of every sweep, the outage\'s too');
  assert.equal(sketches, done * infohashes.length, 'a sketch per torrent per sweep');
});

test('the spool full during a long outage (an 8 KiB cap): samples past it are dropped loudly and the sweeps say so; what was spooled arrives', { skip: influxSkip(), timeout: 240_000 }, async (t) => {
  const sim = await startSim(t);
  const infohashes = sim.torrents.map((torrent) => torrent.infohash);
  const influxd = await influxdForTest(t);
  const dataDir = mkdtempSync(join(tmpdir(), 'swarmscope-fault-spool-'));
  const stateDb = join(dataDir, 'swarmscope-state.db');
  const collector = startCollector(t, { store: influxd.storeUrl('full'), dataDir, bootstrap: sim.bootstrap, infohashes, env: { SWARMSCOPE_SPOOL_MAX_BYTES: '8192' } });
  await waitFor(() => sweepCounts(stateDb).done >= 2, 'two sweeps before the outage');
  await influxd.stop('SIGKILL');
  await waitFor(() => sweepCounts(stateDb).causes.some((cause) => cause.startsWith('store_unavailable')), 'the spool to fill', 120_000);
  await influxd.start();
  const backAt = sweepCounts(stateDb).done;
  await waitFor(() => sweepCounts(stateDb).done >= backAt + 2, 'two sweeps after the store is back');
  await sleep(3_000);
  await collector.stop('SIGTERM');
  const counts = sweepCounts(stateDb);
  const response = await fetch(`${influxd.url}/query?${new URLSearchParams({ db: 'full', q: 'SELECT count("dht_nodes") FROM "raw"."swarm"', epoch: 'ms' })}`);
  const found = Number(((await response.json()) as { results: { series?: { values: unknown[][] }[] }[] }).results[0]!.series?.[0]?.values[0]?.[1] ?? 0);
  const full = counts.causes.filter((cause) => cause.startsWith('store_unavailable')).length;
  report(t, `spool capped at 8 KiB, influxd down until it filled: ${counts.done} sweeps done, ${found} samples found (${counts.done * infohashes.length} expected from done sweeps); ${full} sweeps failed with store_unavailable (their samples dropped, logged, and shown as gaps)`);
  assert.equal(found, counts.done * infohashes.length, 'every sweep logged as done is in the store');
  assert.ok(full >= 1);
  assert.match(collector.stderr(), /spool FULL/);
});
