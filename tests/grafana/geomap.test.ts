/**
 * The Grafana maps (issue 13, spread in space): every geomap panel places a circle per country by
 * its ISO alpha-2 code (a markers layer, location "lookup" in Grafana's countries gazetteer, on the
 * tag its query groups by, sized and coloured by the field its query names), and its query, as
 * Grafana would send it to a real influxd, returns exactly the countries:
 * - sweeps written through swarmscope's InfluxDB store, with hand-computed sums: a torrent map adds
 *   each selected torrent's last count per country, a family map each member's largest (the numbers
 *   the REST route and the built-in page's family map give: checked against the same function);
 * - a sim swarm placed in known countries, swept by `swarmscope collect --once` into InfluxDB: the
 *   geography map returns the sim's ground-truth countries and counts.
 * `other` is never returned: it has no place on a map (the page's map counts it in a legend line).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { familyTaggedSums } from '../../store/family-spread.ts';
import { openInfluxStore, type InfluxSeriesStore } from '../../store/influx/influx-series-store.ts';
import { parseInfluxUrl } from '../../store/influx/influx-url.ts';
import type { TaggedSample } from '../../store/types.ts';
import { countriesOf, simPeers } from '../geo/sim-ground-truth.ts';
import { runCli, startSimProcess } from '../helpers/child-processes.ts';
import { influxSkip, startInfluxd, type Influxd } from '../helpers/influxd.ts';
import { temporaryFolder } from '../helpers/temporary-folder.ts';
import { allPanels, dashboardFiles, loadDashboard, type Panel, type TemplateVariable } from './grafana-dashboards.ts';
import { interpolate, type Selection } from './grafana-interpolate.ts';

const HOUR = 3_600_000;
const RETENTION = { rawMs: 30 * 86_400_000, hourlyMs: 365 * 86_400_000, dailyMs: 0 };
const T1 = '1a'.padEnd(40, 'a');
const T2 = '2b'.padEnd(40, 'b');
const T3 = '3c'.padEnd(40, 'c');

interface GeomapLayer {
  type: string;
  location?: { mode?: string; lookup?: string; gazetteer?: string };
  config?: { style?: { size?: { field?: string }; color?: { field?: string } } };
}
type GeomapPanel = Panel & { options?: { layers?: GeomapLayer[] }; targets: { query: string; resultFormat?: string }[] };

function geomaps(): { file: string; panel: GeomapPanel; variables: TemplateVariable[] }[] {
  return dashboardFiles().flatMap((file) => {
    const dashboard = loadDashboard(file);
    return allPanels(dashboard).filter((panel) => panel.type === 'geomap').map((panel) => ({ file, panel: panel as GeomapPanel, variables: dashboard.templating.list }));
  });
}

function geomapOf(file: string): { panel: GeomapPanel; variables: TemplateVariable[] } {
  const found = geomaps().find((candidate) => candidate.file === file);
  assert.ok(found, `${file} has a geomap panel`);
  return found;
}

describe('Grafana geomap panels', () => {
  it('place a circle per country by ISO alpha-2 code, on the tag and field their query gives', () => {
    const files = geomaps().map(({ file }) => file);
    assert.ok(files.includes('geography.json') && files.includes('family.json'), `geomaps in ${files.join(', ')}`);
    for (const { file, panel } of geomaps()) {
      const where = `${file} "${panel.title}"`;
      const [target] = panel.targets;
      assert.equal(panel.targets.length, 1, where);
      assert.equal(target!.resultFormat, 'table', `${where}: one row per country, the frame a markers layer reads`);
      const tag = /GROUP BY "(\w+)"\s*$/.exec(target!.query)?.[1];
      const field = /^SELECT \w+\("\w+"\) AS "(\w+)"/.exec(target!.query)?.[1];
      assert.equal(tag, 'country', `${where}: the outer query groups by country`);
      assert.match(target!.query, /"country" != 'other'/, `${where}: "other" has no place on a map`);
      const layers = panel.options?.layers ?? [];
      assert.equal(layers.length, 1, where);
      const layer = layers[0]!;
      assert.equal(layer.type, 'markers', where);
      assert.deepEqual(layer.location, { mode: 'lookup', lookup: tag, gazetteer: 'public/gazetteer/countries.json' }, where);
      // Grafana 9+ reads size and colour under config.style; config.size (8.1/8.2) is ignored by 11.
      assert.equal(layer.config?.style?.size?.field, field, `${where}: circles sized by ${field}`);
      assert.equal(layer.config?.style?.color?.field, field, `${where}: circles coloured by ${field}`);
    }
  });
});

describe('Grafana geomap queries on a real influxd', { skip: influxSkip(), timeout: 240_000 }, () => {
  let influxd: Influxd;
  const stores: InfluxSeriesStore[] = [];
  const folder = temporaryFolder('swarmscope-geomap-');

  /** The panel's query as Grafana sends it (variables, $timeFilter), answered as country → peers. */
  async function countries(database: string, file: string, selection: Selection, fromMs: number, toMs: number, rp = 'raw'): Promise<Record<string, number>> {
    const { panel, variables } = geomapOf(file);
    const choices = variables.map((variable) => ({ variable, selection: variable.name === 'rp' ? rp : selection }));
    const query = interpolate(panel.targets[0]!.query, { fromMs, toMs, variables: choices });
    const response = await fetch(`${influxd.url}/query?${new URLSearchParams({ db: database, q: query, epoch: 'ms' })}`);
    const body = (await response.json()) as { results: { error?: string; series?: { tags?: Record<string, string>; columns: string[]; values: unknown[][] }[] }[] };
    assert.equal(body.results[0]?.error, undefined, query);
    const rows = (body.results[0]!.series ?? []).map((series) => [series.tags!.country!, series.values[0]![series.columns.indexOf('peers')] as number] as const);
    return Object.fromEntries([...rows].sort(([a], [b]) => a.localeCompare(b)));
  }

  function store(database: string): InfluxSeriesStore {
    const opened = openInfluxStore(parseInfluxUrl(influxd.storeUrl(database), database), { retention: RETENTION });
    stores.push(opened);
    return opened;
  }

  before(async () => {
    influxd = await startInfluxd();
  });
  after(async () => {
    for (const opened of stores) await opened.close();
    await influxd?.dispose();
  });

  it('a torrent map adds each torrent\'s last count per country; a family map each member\'s largest, as the REST route', async () => {
    const nowMs = Date.now();
    const sweep = (infohash: string, atMs: number, counts: Record<string, number>): TaggedSample[] =>
      Object.entries(counts).map(([tag, peers]) => ({ measurement: 'swarm_geo', infohash, tag, atMs, values: { peers } }));
    const influx = store('maps');
    await influx.writeTagged([
      ...sweep(T1, nowMs - 3 * HOUR, { DE: 5, US: 9, FR: 4 }),
      ...sweep(T1, nowMs - 1 * HOUR, { DE: 7, US: 3, other: 2 }),
      ...sweep(T2, nowMs - 1 * HOUR, { DE: 1, JP: 6, other: 10 }),
      ...sweep(T3, nowMs - 1 * HOUR, { CN: 50 }),
    ]);
    await influx.backfill({ fromMs: nowMs - 4 * HOUR, toMs: nowMs });
    const fromMs = nowMs - 7 * 86_400_000;

    for (const rp of ['raw', 'hourly']) {
      // FR was not in T1's newest sweep: last() still finds it in the range (the page's torrent map shows the newest sweep only).
      assert.deepEqual(await countries('maps', 'geography.json', [T1, T2], fromMs, nowMs, rp), { DE: 8, FR: 4, JP: 6, US: 3 }, `${rp}: two torrents`);
      assert.deepEqual(await countries('maps', 'geography.json', { all: true }, fromMs, nowMs, rp), { CN: 50, DE: 8, FR: 4, JP: 6, US: 3 }, `${rp}: All`);
      assert.deepEqual(await countries('maps', 'geography.json', T3, fromMs, nowMs, rp), { CN: 50 }, `${rp}: one torrent`);
      assert.deepEqual(await countries('maps', 'family.json', [T1, T2], fromMs, nowMs, rp), { DE: 8, FR: 4, JP: 6, US: 9 }, `${rp}: family of two`);
    }
    // The range matters: the sweep three hours ago is outside the last two hours.
    assert.deepEqual(await countries('maps', 'family.json', [T1, T2], nowMs - 2 * HOUR, nowMs), { DE: 8, JP: 6, US: 3 });

    // The REST route (GET /api/v1/families/:id/geo) and the page's family map sum the same way.
    const sums = await familyTaggedSums(influx, 'swarm_geo', [T1, T2], fromMs, nowMs);
    assert.deepEqual(await countries('maps', 'family.json', [T1, T2], fromMs, nowMs), Object.fromEntries(sums.filter(({ tag }) => tag !== 'other').map(({ tag, peers }) => [tag, peers]).sort(([a], [b]) => String(a).localeCompare(String(b)))));
  });

  it('a sim swarm in known countries, swept into InfluxDB by the collector, comes back as exactly its countries', async (t) => {
    const shares = { DE: 0.3, US: 0.35, BR: 0.2, JP: 0.15 };
    const sim = await startSimProcess(t, ['--nodes', '120', '--torrents', '1', '--seed', '31', '--min-peers', '150', '--max-peers', '150', '--countries', 'DE=0.3,US=0.35,BR=0.2,JP=0.15']);
    const infohash = sim.torrents[0]!.infohash;
    const truth = countriesOf(simPeers({ torrents: 1, seed: 31, minPeers: 150, maxPeers: 150, countries: shares }).get(infohash)!);
    store('sim');
    const startedMs = Date.now();
    const collect = await runCli(['collect', '--once', '--store', influxd.storeUrl('sim'), '--data-dir', folder, '--watch', infohash, '--bootstrap', sim.bootstrap.join(','), '--allow-private-addresses', '--dht-loopback-only']);
    assert.equal(collect.code, 0, collect.stderr);
    const answer = await countries('sim', 'geography.json', infohash, startedMs - 60_000, Date.now() + 1_000);
    t.diagnostic(`ground truth ${JSON.stringify(Object.fromEntries(truth))}; Grafana ${JSON.stringify(answer)}`);
    const expected = Object.fromEntries([...truth].filter(([country]) => country !== 'other').sort(([a], [b]) => a.localeCompare(b)));
    for (const code of Object.keys(shares)) assert.ok(expected[code]! > 0, `the sim placed peers in ${code}`);
    assert.deepEqual(answer, expected);
  });
});
