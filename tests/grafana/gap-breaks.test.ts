/**
 * Gaps in Grafana (issue 13): swarm panels query with `fill(null)` and connect nulls only across
 * less than 1.5 sweeps (`spanNulls` in ms), so a two-hour outage is a break in the line while the
 * empty buckets between ordinary 15-minute sweeps are bridged. Checked on a real influxd with the
 * torrent-detail panel's own query, at a fine and a coarse $__interval, applying Grafana's rule.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openInfluxStore } from '../../store/influx/influx-series-store.ts';
import { parseInfluxUrl } from '../../store/influx/influx-url.ts';
import { influxSkip, influxdForTest } from '../helpers/influxd.ts';
import { allPanels, dashboardFiles, loadDashboard } from './grafana-dashboards.ts';
import { interpolate, type QueryContext } from './grafana-interpolate.ts';

const DATABASE = 'gaps';
const MIN = 60_000;
const SWEEP_MS = 15 * MIN;
const INFOHASH = 'c3'.padEnd(40, 'c');

/** Grafana's spanNulls as a number: a run of nulls is bridged when the points around it are closer than this. */
function breaks(rows: [number, number | null][], spanNullsMs: number): [number, number][] {
  const found: [number, number][] = [];
  let lastValueMs: number | null = null;
  let sawNull = false;
  for (const [atMs, value] of rows) {
    if (value === null) {
      sawNull = true;
      continue;
    }
    if (lastValueMs !== null && sawNull && atMs - lastValueMs >= spanNullsMs) found.push([lastValueMs, atMs]);
    lastValueMs = atMs;
    sawNull = false;
  }
  return found;
}

test('a long gap breaks every swarm line in Grafana; ordinary spacing between sweeps does not', { skip: influxSkip(), timeout: 120_000 }, async (t) => {
  // The boards that show swarm numbers; collector-health counts samples written, where a gap is a 0 (fill(0)).
  const swarmBoards = dashboardFiles().filter((file) => ['torrent-detail.json', 'overview.json', 'geography.json', 'family.json'].includes(file));
  assert.equal(swarmBoards.length, 4);
  const timeseries = swarmBoards.flatMap((file) => allPanels(loadDashboard(file)).filter((panel) => panel.type === 'timeseries').map((panel) => ({ file, panel })));
  const swarmPanels = timeseries.filter(({ panel }) => (panel.targets ?? []).every((target) => /"swarm(_\w+)?"/.test(target.query ?? '')));
  assert.ok(swarmPanels.length >= 10);
  for (const { file, panel } of swarmPanels) {
    const spanNulls = (panel as { fieldConfig?: { defaults?: { custom?: { spanNulls?: unknown } } } }).fieldConfig?.defaults?.custom?.spanNulls;
    assert.equal(spanNulls, 1.5 * SWEEP_MS, `${file} "${panel.title}": spanNulls`);
    for (const target of panel.targets ?? []) assert.match(target.query!, /fill\(null\)/, `${file} "${panel.title}"`);
  }

  const influxd = await influxdForTest(t);
  const store = openInfluxStore(parseInfluxUrl(influxd.storeUrl(DATABASE), DATABASE), { retention: { rawMs: 0, hourlyMs: 0, dailyMs: 0 } });
  t.after(() => store.close());
  const toMs = Math.floor(Date.now() / SWEEP_MS) * SWEEP_MS;
  const fromMs = toMs - 10 * 60 * MIN;
  const holeFromMs = fromMs + 4 * 60 * MIN;
  const holeToMs = holeFromMs + 2 * 60 * MIN;
  const samples = [];
  for (let atMs = fromMs; atMs <= toMs; atMs += SWEEP_MS) {
    if (atMs > holeFromMs && atMs < holeToMs) continue;
    samples.push({ infohash: INFOHASH, atMs, values: { dht_peers: 100 + (atMs / SWEEP_MS) % 5, dht_nodes: 8 } });
  }
  await store.writeSamples(samples);

  const { panel } = swarmPanels.find(({ file, panel: candidate }) => file === 'torrent-detail.json' && /dht_peers/.test(candidate.targets?.[0]?.query ?? ''))!;
  const dashboard = loadDashboard('torrent-detail.json');
  const variables = dashboard.templating.list.map((variable) => ({ variable, selection: variable.name === 'rp' ? 'raw' : INFOHASH }));
  for (const maxDataPoints of [1000, 20]) {
    const context: QueryContext = { fromMs, toMs, maxDataPoints, minIntervalMs: 10_000, variables };
    const query = interpolate(panel.targets![0]!.query!, context);
    const response = await fetch(`${influxd.url}/query?${new URLSearchParams({ db: DATABASE, q: query, epoch: 'ms' })}`);
    const series = ((await response.json()) as { results: { series?: { values: [number, number | null][] }[] }[] }).results[0]!.series!;
    const rows = series[0]!.values;
    const found = breaks(rows, 1.5 * SWEEP_MS);
    assert.equal(found.length, 1, `one break at ${maxDataPoints} points: ${JSON.stringify(found)}`);
    const [beforeMs, afterMs] = found[0]!;
    assert.ok(beforeMs <= holeFromMs && afterMs >= holeToMs - SWEEP_MS, `the break spans the hole: ${new Date(beforeMs).toISOString()}..${new Date(afterMs).toISOString()}`);
  }
});
