/** One contract, two stores: the SeriesStore suite against a real influxd (SQLite runs it in tests/store/sqlite-store.test.ts). */
import { after, before, describe } from 'node:test';
import { openInfluxStore } from '../../store/influx/influx-series-store.ts';
import { parseInfluxUrl } from '../../store/influx/influx-url.ts';
import { influxSkip, startInfluxd, type Influxd } from '../helpers/influxd.ts';
import { runSeriesStoreContract } from '../store/series-store-contract.ts';

/** The fixtures are dated 2026-01-01; a raw policy that keeps everything lets them in whatever today is. */
const KEEP_EVERYTHING = { rawMs: 0, hourlyMs: 0, dailyMs: 0 };

describe('InfluxDB store', { skip: influxSkip() }, () => {
  let influxd: Influxd;
  let databases = 0;
  before(async () => {
    influxd = await startInfluxd();
  });
  after(async () => influxd?.dispose());

  runSeriesStoreContract('influx', () => {
    const url = influxd.storeUrl(`contract_${++databases}`);
    return openInfluxStore(parseInfluxUrl(url, url), { retention: KEEP_EVERYTHING });
  });
});
