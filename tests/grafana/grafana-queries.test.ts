/**
 * Every panel query of every dashboard, with `$timeFilter`, `$__interval` and the template variables
 * substituted as Grafana substitutes them (grafana-interpolate.ts), runs against a real influxd
 * holding data written by swarmscope's InfluxDB store, at each resolution ($rp: raw, hourly, daily)
 * and each kind of selection (one torrent, several, All), and returns at least one value.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openInfluxStore, type InfluxSeriesStore } from '../../store/influx/influx-series-store.ts';
import { parseInfluxUrl } from '../../store/influx/influx-url.ts';
import { influxSkip, startInfluxd, type Influxd } from '../helpers/influxd.ts';
import { allPanels, dashboardFiles, loadDashboard, variableQuery, type Dashboard, type TemplateVariable } from './grafana-dashboards.ts';
import { writeGrafanaData } from './grafana-data.ts';
import { interpolate, relativeMs, type QueryContext, type Selection } from './grafana-interpolate.ts';

const DATABASE = 'swarmscope';
/** dashboards/provisioning/datasources/influxdb.yaml `timeInterval`. */
const MIN_INTERVAL_MS = 10_000;

interface InfluxAnswer {
  results: { error?: string; series?: { columns: string[]; values?: unknown[][] }[] }[];
}

type Choice = { variable: TemplateVariable; selection: Selection };

describe('Grafana panel queries on a real influxd', { skip: influxSkip() }, () => {
  let influxd: Influxd;
  let store: InfluxSeriesStore;

  /** What Grafana's datasource sends: GET /query?db=&q=&epoch=ms. */
  async function run(query: string): Promise<InfluxAnswer['results'][number]> {
    const response = await fetch(`${influxd.url}/query?${new URLSearchParams({ db: DATABASE, q: query, epoch: 'ms' })}`);
    const body = (await response.json()) as InfluxAnswer & { error?: string };
    assert.equal(body.error, undefined, query);
    assert.equal(body.results[0]?.error, undefined, `InfluxDB refused: ${query}`);
    return body.results[0]!;
  }

  function hasValue(result: InfluxAnswer['results'][number]): boolean {
    return (result.series ?? []).some((series) => (series.values ?? []).some((row) => row.some((value, column) => series.columns[column] !== 'time' && value !== null)));
  }

  /** The selections to try per variable: every custom option; for query variables one value, two, and All. */
  async function choicesOf(dashboard: Dashboard): Promise<Choice[][]> {
    const perVariable: Choice[][] = [];
    for (const variable of dashboard.templating.list) {
      if (variable.type === 'custom') {
        perVariable.push((variable.options ?? []).map((option) => ({ variable, selection: option.value })));
        continue;
      }
      const result = await run(variableQuery(variable)!);
      const values = (result.series ?? []).flatMap((series) => (series.values ?? []).map((row) => String(row[1])));
      assert.ok(values.length > 0, `${dashboard.title}: variable $${variable.name} lists values`);
      const selections: Selection[] = variable.multi ? [values.slice(0, 2), { all: true }] : [values[0]!];
      perVariable.push(selections.map((selection) => ({ variable, selection })));
    }
    // Every combination: a handful per dashboard (three resolutions × at most three selections).
    return perVariable.reduce<Choice[][]>((combinations, choices) => combinations.flatMap((combination) => choices.map((choice) => [...combination, choice])), [[]]);
  }

  before(async () => {
    influxd = await startInfluxd();
    const location = parseInfluxUrl(influxd.storeUrl(DATABASE), DATABASE);
    store = openInfluxStore(location, { retention: { rawMs: 30 * 86_400_000, hourlyMs: 365 * 86_400_000, dailyMs: 0 } });
    await writeGrafanaData(store, location, Date.now());
  });
  after(async () => {
    await store?.close();
    await influxd?.dispose();
  });

  for (const file of dashboardFiles()) {
    it(`${file}: every panel query returns data`, async () => {
      const dashboard = loadDashboard(file);
      const nowMs = Date.now();
      let ran = 0;
      for (const variables of await choicesOf(dashboard)) {
        for (const panel of allPanels(dashboard)) {
          for (const target of panel.targets ?? []) {
            const context: QueryContext = {
              // A panel's relative time ("timeFrom": "7d") replaces the dashboard's range, as in Grafana.
              fromMs: relativeMs(panel.timeFrom ?? dashboard.time.from, nowMs),
              toMs: relativeMs(dashboard.time.to, nowMs),
              maxDataPoints: panel.maxDataPoints ?? 1000,
              minIntervalMs: MIN_INTERVAL_MS,
              variables,
            };
            const query = interpolate(target.query!, context);
            assert.doesNotMatch(query, /\$\w|\[\[/, `every variable substituted: ${query}`);
            const selection = variables.map((choice) => `${choice.variable.name}=${JSON.stringify(choice.selection)}`).join(' ');
            assert.ok(hasValue(await run(query)), `${file} "${panel.title}" ${target.refId} [${selection}] returned no data:\n${query}`);
            ran += 1;
          }
        }
      }
      assert.ok(ran > 0);
    });
  }
});
