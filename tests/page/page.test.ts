/**
 * The built-in page in a real browser (Debian's chromium through playwright-core) against a real
 * API over a seeded store: the overview lists the torrents, the torrent view draws the store's
 * points, a new range re-queries every series with a new step, compare and mirrors work, empty and
 * error states read clearly, and no view logs a console error. Screenshots of each view go to
 * test-artifacts/page/ (gitignored).
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { ROOT } from '../helpers/child-processes.ts';
import { chromiumSkip, launchChromium, openPage, type TestBrowser, type WatchedPage } from './chromium.ts';
import { COUNTRY_PEERS, DISTINCT_PEERS_3_DAYS } from './detail-fixture.ts';
import { FILLER_COUNT, NEVER_SAMPLED, READY, RICH, startPageFixture, type PageFixture } from './page-fixture.ts';

const ARTIFACTS = join(ROOT, 'test-artifacts', 'page');
const LLAMA = RICH[0].infohash;
const SERIES_METRICS = ['dht_peers', 'bep33_peers', 'tracker_seeders', 'tracker_leechers', 'probe_seeders', 'probe_leechers', 'unique_peers', 'bep33_seeders'];

type ChartWindow = { swarmscopeCharts?: Map<string, { data: (number | null)[][]; series: { _paths?: { stroke?: unknown } }[] }> };

function seriesRequests(urls: readonly string[], metric?: string): URL[] {
  return urls.map((url) => new URL(url)).filter((url) => url.pathname.endsWith('/series') && (!metric || url.searchParams.get('metric') === metric));
}

async function chartData(page: Page, id: string): Promise<(number | null)[][]> {
  return page.evaluate((chartId) => (window as unknown as ChartWindow).swarmscopeCharts!.get(chartId)!.data, id);
}

/** Waits until chart `id` holds between `min` and `max` points on its time axis. */
async function waitForChart(page: Page, id: string, min = 1, max = Infinity): Promise<void> {
  await page.waitForFunction(
    ({ chartId, low, high }) => {
      const length = (window as unknown as ChartWindow).swarmscopeCharts?.get(chartId)?.data[0]?.length ?? 0;
      return length >= low && length <= high;
    },
    { chartId: id, low: min, high: max === Infinity ? Number.MAX_SAFE_INTEGER : max },
  );
}

describe('built-in page in chromium', { skip: chromiumSkip() }, () => {
  let fixture: PageFixture;
  let browser: TestBrowser;

  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    [fixture, browser] = await Promise.all([startPageFixture(), launchChromium()]);
  });
  after(async () => {
    await browser?.close();
    await fixture?.close();
  });

  async function visit(hash: string): Promise<WatchedPage> {
    const watched = await openPage(browser.context);
    await watched.page.goto(`${fixture.url}/${hash}`);
    return watched;
  }

  it('the overview lists the seeded torrents, 20 a page, from one watchlist and one trend request', async () => {
    const { page, errors, requests } = await visit('');
    await page.waitForSelector('table.torrents tbody tr');
    await page.waitForFunction(() => document.querySelectorAll('svg.sparkline polyline').length >= 3);
    const rows = await page.$$eval('table.torrents tbody tr', (trs) => trs.map((tr) => tr.querySelector('th a')?.textContent));
    assert.equal(rows.length, 20);
    assert.deepEqual(rows.slice(0, 3), RICH.map((torrent) => torrent.label));
    assert.match(await page.textContent('.summary') ?? '', /1,000 torrents watched, 999 with a sample/);
    assert.match(await page.textContent('.pager') ?? '', /Page 1 of 50/);
    const growth = await page.$$eval(`tr[data-infohash="${LLAMA}"] [data-cell^="growth"]`, (cells) => cells.map((cell) => cell.textContent));
    assert.ok(growth.every((text) => /^[+−±][\d.]+ %$/.test(text ?? '')), `growth cells: ${growth}`);
    await page.screenshot({ path: join(ARTIFACTS, 'overview.png'), fullPage: true });

    const api = requests.map((url) => new URL(url).pathname).filter((path) => path.startsWith('/api/'));
    assert.equal(api.filter((path) => path === '/api/v1/torrents').length, 1, 'one watchlist request for 1,000 torrents');
    assert.equal(api.filter((path) => path === '/api/v1/compare').length, 1, 'one batched trend request for the page');

    await page.fill('input[type=search]', 'newly added');
    await page.waitForSelector('td[data-state="no-sample"]');
    assert.match(await page.textContent('td[data-state="no-sample"]') ?? '', /No sample yet/);
    await page.fill('input[type=search]', '');
    await page.click('text=Next →');
    await page.waitForFunction(() => document.querySelector('.pager')?.textContent?.includes('Page 2 of 50'));
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('the torrent view draws its charts with the points in the store, and marks events', async () => {
    const { page, errors, requests } = await visit(`#/torrent/${LLAMA}?range=7d`);
    await waitForChart(page, 'peers');
    await waitForChart(page, 'seeders');
    await waitForChart(page, 'unique');
    const request = seriesRequests(requests, 'dht_peers').at(-1)!;
    const query = request.searchParams;
    assert.equal(query.get('step'), '3600s', '7 days in at most ~300 points: hourly buckets');
    const stored = await fixture.store.series.querySeries({
      infohash: LLAMA,
      metric: 'dht_peers',
      fromMs: Date.parse(query.get('from')!),
      toMs: Date.parse(query.get('to')!),
      stepMs: 3_600_000,
      agg: 'avg',
    });
    assert.ok(stored.length >= 167, `the store holds ${stored.length} buckets`);
    const [xs, dht] = await chartData(page, 'peers');
    const drawn = xs!.map((x, index) => [x! * 1000, dht![index]]).filter(([, value]) => value !== null);
    assert.deepEqual(drawn, stored);
    const paths = await page.evaluate(() => (window as unknown as ChartWindow).swarmscopeCharts!.get('peers')!.series.slice(1).map((series) => Boolean(series._paths?.stroke)));
    assert.deepEqual(paths, [true, true, true, true], 'every source has a drawn line');
    // The alert, the metadata found, and the takedown of one of its mirrors (mirror events name the torrent).
    assert.equal(await page.locator('[data-chart="peers"] .event-marker').count(), 3, 'every event is marked on the axis');
    assert.match(await page.textContent('.event-list') ?? '', /swarm\.threshold_crossed — dht_peers > 3,000/);
    assert.match(await page.textContent('[data-chart="peers"] .chart-legend') ?? '', /BEP 33 estimate.*bloom filters/s);
    await page.waitForSelector('[data-geo="country"] tbody tr');
    const countries = await page.$$eval('[data-geo="country"] tbody tr', (rows) => rows.map((row) => [row.getAttribute('data-key'), row.querySelector('td')?.textContent]));
    assert.deepEqual(countries, Object.entries(COUNTRY_PEERS).map(([country, peers]) => [country, peers.toLocaleString('en')]), 'largest first, other last');
    assert.match(await page.textContent('[data-geo="client"]') ?? '', /qBittorrent 4\.6/);
    const distinct = Number(await page.getAttribute('[data-distinct]', 'data-distinct'));
    assert.ok(Math.abs(distinct - DISTINCT_PEERS_3_DAYS) / DISTINCT_PEERS_3_DAYS < 0.02, `distinct peers in the range: ${distinct}`);
    await page.screenshot({ path: join(ARTIFACTS, 'torrent.png'), fullPage: true });
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('changing the range issues new series requests with a step fitted to it', async () => {
    const { page, errors, requests } = await visit(`#/torrent/${LLAMA}?range=24h`);
    await waitForChart(page, 'peers');
    assert.equal(seriesRequests(requests, 'dht_peers').at(-1)!.searchParams.get('step'), '300s');

    const pick = async (range: string, step: string): Promise<URL[]> => {
      const seen = requests.length;
      const answered = page.waitForResponse((response) => response.url().includes('metric=bep33_seeders') && response.url().includes(`step=${step}`));
      await page.click(`button[data-range="${range}"]`);
      await answered;
      await page.waitForFunction((selector) => document.querySelector(selector)?.getAttribute('aria-pressed') === 'true', `button[data-range="${range}"]`);
      const fresh = seriesRequests(requests.slice(seen));
      assert.deepEqual(new Set(fresh.map((url) => url.searchParams.get('metric'))), new Set(SERIES_METRICS), `${range}: every series asked again`);
      assert.ok(fresh.every((url) => url.searchParams.get('step') === step), `${range}: step ${step}`);
      return fresh;
    };
    await pick('30d', '10800s');
    await waitForChart(page, 'peers', 230, 250);
    assert.match(page.url(), /range=30d/);
    const all = await pick('all', '10800s');
    assert.ok(Date.parse(all[0]!.searchParams.get('from')!) <= fixture.nowMs - 30 * 86_400_000, 'All starts when watching began');

    await page.click('button[data-range="custom"]');
    const seen = requests.length;
    const day = (daysAgo: number) => new Date(fixture.nowMs - daysAgo * 86_400_000).toISOString().slice(0, 16);
    await page.fill('input[name=from]', day(3));
    await page.fill('input[name=to]', day(1));
    const answered = page.waitForResponse((response) => response.url().includes('metric=bep33_seeders') && response.url().includes('step=600s'));
    await page.click('.range-custom button[type=submit]');
    await answered;
    const custom = seriesRequests(requests.slice(seen), 'dht_peers')[0]!;
    assert.equal(custom.searchParams.get('from'), `${day(3)}:00.000Z`);
    await waitForChart(page, 'peers', 90, 100);
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('offers the API CSV of exactly what is shown', async () => {
    const { page, errors, requests } = await visit(`#/torrent/${LLAMA}?range=7d`);
    await waitForChart(page, 'peers');
    const href = await page.getAttribute('.csv-links a[download$="dht_peers.csv"]', 'href');
    const shown = seriesRequests(requests, 'dht_peers').at(-1)!;
    const link = new URL(href!, fixture.url);
    assert.equal(link.searchParams.get('format'), 'csv');
    for (const name of ['from', 'to', 'step', 'agg']) assert.equal(link.searchParams.get(name), shown.searchParams.get(name), name);
    const csv = await page.request.get(link.toString());
    assert.match(csv.headers()['content-type'] ?? '', /^text\/csv/);
    // A download is an export: the methods record first, as `# ` lines (store/methods-record.ts).
    const all = (await csv.text()).trim().split('\n');
    assert.ok(all.includes('# methods.metric.name: dht_peers'));
    const lines = all.filter((line) => !line.startsWith('# '));
    assert.equal(lines[0], 'time,value');
    const measured = lines.slice(1).filter((line) => !line.endsWith(','));
    assert.equal(measured.length, (await chartData(page, 'peers'))[1]!.filter((value) => value !== null && value !== undefined).length);
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('the compare view puts several torrents on one time axis through one /compare request', async () => {
    const infohashes = RICH.map((torrent) => torrent.infohash);
    const { page, errors, requests } = await visit(`#/compare?infohash=${infohashes.join(',')}&metric=dht_peers&range=7d`);
    await waitForChart(page, 'compare');
    const compares = requests.map((url) => new URL(url)).filter((url) => url.pathname === '/api/v1/compare');
    assert.equal(compares.length, 1);
    assert.deepEqual(compares[0]!.searchParams.getAll('infohash'), infohashes);
    const data = await chartData(page, 'compare');
    assert.equal(data.length, 4, 'a time axis and three series');
    assert.ok(data.slice(1).every((column) => column.filter((value) => value !== null).length >= 167), 'a week of hourly points each');
    assert.match(await page.getAttribute('.downloads a', 'href') ?? '', /^\/api\/v1\/compare\?.*format=csv/);
    await page.screenshot({ path: join(ARTIFACTS, 'compare.png'), fullPage: true });
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('the mirrors view lists each mirror with its state and draws its history', async () => {
    const { page, errors } = await visit('#/mirrors');
    const capabilities = (await (await page.request.get(`${fixture.url}/page/capabilities.json`)).json()) as { mirrors: boolean };
    if (!capabilities.mirrors) {
      // A server without the mirror observatory: a clear state, not an error.
      await page.waitForSelector('[data-state="unavailable"]');
      assert.match(await page.textContent('[data-state="unavailable"]') ?? '', /Mirrors not available/);
    } else {
      await page.waitForSelector('table.mirrors tbody tr');
      const down = page.locator(`tr[data-mirror="${fixture.mirrors.downId}"]`);
      assert.match(await down.textContent() ?? '', /taken down.*451 \(legal takedown\)/s);
      assert.match(await page.locator(`tr[data-mirror="${fixture.mirrors.upId}"]`).textContent() ?? '', /up.*200.*2 match, 0 differ/s);
      await down.locator('button').click();
      await waitForChart(page, 'mirror-up', 160);
      await waitForChart(page, 'mirror-latency_ms', 160);
      const availability = (await chartData(page, 'mirror-up'))[1]!;
      assert.equal(availability.at(0), 1);
      assert.equal(availability.at(-1), 0, 'down since the takedown');
      assert.equal(await page.locator('[data-chart="mirror-up"] .event-marker').count(), 1, 'the takedown is marked');
    }
    await page.screenshot({ path: join(ARTIFACTS, 'mirrors.png'), fullPage: true });
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('says "not available" where a server lacks geography or mirrors, also when a route answers 404', async () => {
    const watched = await openPage(browser.context);
    const { page, errors } = watched;
    // An older server: the capabilities file is unknown to it, and the optional routes answer 404 "no route".
    await page.route('**/page/capabilities.json', (route) => route.fulfill({ status: 404, json: { error: { code: 'not_found', message: 'no route GET /page/capabilities.json' } } }));
    await page.route(/\/api\/v1\/(mirrors|torrents\/\w+\/(geo|unique-peers))(\?|$)/, (route) =>
      route.fulfill({ status: 404, json: { error: { code: 'not_found', message: `no route GET ${new URL(route.request().url()).pathname}; the API lives under /api/v1` } } }));
    await page.goto(`${fixture.url}/#/torrent/${LLAMA}`);
    await page.waitForSelector('[data-state="unavailable"]');
    assert.match(await page.textContent('[data-state="unavailable"]') ?? '', /Geography not available/);
    await waitForChart(page, 'peers');
    await page.goto(`${fixture.url}/#/mirrors`);
    await page.waitForFunction(() => document.querySelector('[data-state="unavailable"]')?.textContent?.includes('Mirrors not available'));
    await page.screenshot({ path: join(ARTIFACTS, 'mirrors-not-available.png') });
    // The browser logs each 404 it was given; nothing else may fail.
    assert.deepEqual(errors.filter((error) => !/status of 404/.test(error)), []);
    await page.close();
  });

  it('shows "no sample yet" for a torrent never measured', async () => {
    const { page, errors } = await visit(`#/torrent/${NEVER_SAMPLED}`);
    await page.waitForSelector('[data-chart="peers"] [data-state="empty"]');
    assert.match(await page.textContent('main') ?? '', /No sample yet/);
    assert.equal(await page.evaluate(() => (window as unknown as ChartWindow).swarmscopeCharts!.size), 0, 'no empty chart is drawn');
    await page.screenshot({ path: join(ARTIFACTS, 'no-sample.png'), fullPage: true });
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('says "DHT unreachable" while /readyz reports the DHT down', async () => {
    fixture.setReadiness({ ready: false, checks: { store: { ok: true }, dht: { ok: false, detail: 'no bootstrap node answered within 20000 ms' } } });
    try {
      const { page, errors } = await visit('');
      await page.waitForSelector('#status-banner[data-state="error"]');
      assert.match(await page.textContent('#status-banner') ?? '', /DHT unreachable: no bootstrap node answered within 20000 ms/);
      await page.screenshot({ path: join(ARTIFACTS, 'dht-unreachable.png') });
      // The browser itself logs the 503 of /readyz; nothing else may fail.
      assert.deepEqual(errors.filter((error) => !/status of 503/.test(error)), []);
      await page.close();
    } finally {
      fixture.setReadiness(READY);
    }
  });

  it('keeps 1,000 torrents usable: filtering finds one among them at once', async () => {
    const { page, errors } = await visit('');
    await page.waitForSelector('table.torrents tbody tr');
    const started = Date.now();
    await page.fill('input[type=search]', `torrent ${String(FILLER_COUNT).padStart(4, '0')}`);
    await page.waitForFunction(() => document.querySelectorAll('table.torrents tbody tr').length === 1);
    assert.ok(Date.now() - started < 10_000, 'filtering 1,000 rows does not stall the page');
    assert.deepEqual(errors, []);
    await page.close();
  });
});
