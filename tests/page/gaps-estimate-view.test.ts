/**
 * Issue 13 on the built-in page, in Chromium: a torrent whose collector could not reach the DHT for
 * two hours has a break in its line there (uPlot is told the gap by a null and draws no stroke
 * across it), never a line bridging the missing time; and its newest swarm estimate is shown with
 * its 95% interval, its captures and its assumptions; and a timeline event (a takedown notice) is
 * an annotation at its time on the graph, and a line with its source in the event list.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ROOT } from '../helpers/child-processes.ts';
import { SweepLog } from '../../store/state/sweep-log.ts';
import { createTimelineRepo } from '../../store/state/timeline-repo.ts';
import { chromiumSkip, launchChromium, openPage, type TestBrowser } from './chromium.ts';
import { startPageFixture, type PageFixture } from './page-fixture.ts';

const ARTIFACTS = join(ROOT, 'test-artifacts', 'page');
const GAPPY = '9a9'.padEnd(40, '7');
const MIN = 60_000;
const EVERY_MS = 15 * MIN;

type Chart = { data: (number | null | undefined)[][]; valToPos(value: number, scale: string, canvasPixels?: boolean): number; series: { spanGaps?: boolean; _paths?: { gaps?: [number, number][] } }[] };

describe('gaps and swarm estimates on the page', { skip: chromiumSkip() }, () => {
  let fixture: PageFixture;
  let browser: TestBrowser;
  let holeFromMs: number;
  let holeToMs: number;
  let noticeAtMs: number;

  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    [fixture, browser] = await Promise.all([startPageFixture(), launchChromium()]);
    const { store, nowMs } = fixture;
    store.registry.add({ infohash: GAPPY, label: 'A swarm with a DHT outage' });
    const log = new SweepLog(store.db);
    const settingsId = log.recordSettings({ cadence: { intervalMs: EVERY_MS } });
    const firstMs = Math.floor((nowMs - 8 * 60 * MIN) / EVERY_MS) * EVERY_MS;
    holeFromMs = firstMs + 3 * 60 * MIN;
    holeToMs = holeFromMs + 2 * 60 * MIN;
    const samples = [];
    for (let atMs = firstMs; atMs < nowMs - MIN; atMs += EVERY_MS) {
      const inHole = atMs > holeFromMs && atMs < holeToMs;
      const sweep = { startedAtMs: atMs - MIN, finishedAtMs: atMs, intervalMs: EVERY_MS, shard: '0/1', settingsId, planned: 1, measured: inHole ? 0 : 1 };
      if (inHole) {
        log.record({ ...sweep, startedAtMs: atMs, outcome: 'failed', cause: 'dht_unreachable: no bootstrap node answered' });
        continue;
      }
      log.record({ ...sweep, outcome: 'done', cause: null });
      samples.push({ infohash: GAPPY, atMs, values: { dht_peers: 200 + (atMs % 7), dht_nodes: 8 } });
    }
    // The newest sample carries an estimate from 250 DHT peers, 120 named over PEX, 60 in both.
    Object.assign(samples.at(-1)!.values, { dht_peers: 250, pex_peers: 120, swarm_estimate_overlap: 60, swarm_estimate: 500, swarm_estimate_low: 450, swarm_estimate_high: 560, probe_seeders: 3, probe_leechers: 7 });
    await store.series.writeSamples(samples);
    noticeAtMs = firstMs + 90 * MIN + 7 * MIN;
    createTimelineRepo(store.db).add({ atMs: noticeAtMs, kind: 'takedown', title: 'DMCA notice to the tracker', source: 'Example Times', url: 'https://example.org/dmca', infohash: GAPPY });
  });
  after(async () => {
    await browser?.close();
    await fixture?.close();
  });

  it('a gap the sweep log records is a break in the line, with nothing drawn across it', async () => {
    const { page, errors } = await (async () => {
      const watched = await openPage(browser.context);
      await watched.page.goto(`${fixture.url}/#/torrent/${GAPPY}?range=24h`);
      return watched;
    })();
    await page.waitForFunction(() => ((window as unknown as { swarmscopeCharts?: Map<string, Chart> }).swarmscopeCharts?.get('peers')?.data[0]?.length ?? 0) > 0);
    const seen = await page.evaluate(({ from, to }) => {
      const chart = (window as unknown as { swarmscopeCharts: Map<string, Chart> }).swarmscopeCharts.get('peers')!;
      const [xs, dht] = chart.data;
      const inHole = xs!.flatMap((x, index) => (x! * 1000 > from && x! * 1000 < to ? [dht![index]] : []));
      return {
        inHole,
        spanGaps: chart.series[1]!.spanGaps,
        gapsPx: chart.series[1]!._paths?.gaps ?? [],
        // uPlot keeps its gaps in canvas pixels (plot offset and device pixel ratio included).
        holePx: [chart.valToPos(from / 1000, 'x', true), chart.valToPos(to / 1000, 'x', true)],
      };
    }, { from: holeFromMs, to: holeToMs });
    assert.equal(seen.spanGaps, false);
    assert.ok(seen.inHole.includes(null), `the hole holds a null break: ${JSON.stringify(seen.inHole)}`);
    assert.ok(seen.inHole.every((value) => value === null || value === undefined), 'no value inside the hole');
    // uPlot's own record of where it left the stroke out: one span inside the hole.
    const [holeLeftPx, holeRightPx] = seen.holePx;
    assert.ok(seen.gapsPx.some(([fromPx, toPx]) => fromPx >= holeLeftPx! - 2 && toPx <= holeRightPx! + 2 && toPx > fromPx), `gaps ${JSON.stringify(seen.gapsPx)} vs hole ${JSON.stringify(seen.holePx)}`);
    await page.locator('[data-chart="peers"]').screenshot({ path: join(ARTIFACTS, 'gap-break.png') });
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('a timeline event is an annotation at its time on the graph, and in the event list with its source', async () => {
    const watched = await openPage(browser.context);
    await watched.page.goto(`${fixture.url}/#/torrent/${GAPPY}?range=24h`);
    const marker = watched.page.locator('[data-chart="peers"] .event-marker[aria-label*="DMCA notice"]');
    await marker.waitFor();
    const { left, expected } = await watched.page.evaluate((atMs) => {
      const chart = (window as unknown as { swarmscopeCharts: Map<string, Chart> }).swarmscopeCharts.get('peers')!;
      const element = document.querySelector('[data-chart="peers"] .event-marker[aria-label*="DMCA notice"]') as HTMLElement;
      return { left: Number.parseFloat(element.style.left), expected: chart.valToPos(atMs / 1000, 'x') };
    }, noticeAtMs);
    assert.ok(Math.abs(left - expected) < 1, `marker at ${left}px, the time is at ${expected}px`);
    assert.match((await marker.getAttribute('aria-label')) ?? '', /^timeline\.takedown at .*: DMCA notice to the tracker$/);
    const item = watched.page.locator('.event-list li', { hasText: 'DMCA notice to the tracker' });
    assert.equal(await item.locator('a[href="https://example.org/dmca"]').textContent(), 'Example Times');
    assert.deepEqual(watched.errors, []);
    await watched.page.close();
  });

  it('the newest swarm estimate is shown with its interval, captures and assumptions', async () => {
    const watched = await openPage(browser.context);
    await watched.page.goto(`${fixture.url}/#/torrent/${GAPPY}`);
    const note = watched.page.locator('details.swarm-estimate');
    await note.waitFor();
    assert.equal(await note.getAttribute('data-estimate'), '500');
    const text = (await note.textContent()) ?? '';
    assert.match(text, /Total swarm ≈ 500 \(95% interval 450–560; captures: DHT 250, PEX 120, both 60\)/);
    assert.match(text, /closed within a sweep/);
    assert.match(text, /independent captures/);
    assert.deepEqual(watched.errors, []);
    await watched.page.close();
  });
});
