/**
 * Spread in space and the report (issue 13), end to end on real processes: a sim swarm placed in
 * known countries is swept twice (with a stop between, so the range has a gap); the page's torrent
 * and family views colour exactly the countries the geo route lists, the largest darkest, with no
 * request outside the page's origin; `swarmscope report` writes one HTML file that opens in
 * Chromium with no network request at all, holds the graphs (with the gap), the map, the events,
 * the figures and the methods record, and prints to PDF.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { MAP_COLOURS } from '../../dashboards/geo/world-map-svg.ts';
import { openAlertingState } from '../../store/state/alerting-state.ts';
import { ROOT, runCli, startApiProcess, startSimProcess } from '../helpers/child-processes.ts';
import { chromiumSkip, launchChromium, openPage, type TestBrowser } from './chromium.ts';

const ARTIFACTS = join(ROOT, 'test-artifacts', 'page');

describe('the world map and the report', { skip: chromiumSkip(), timeout: 300_000 }, () => {
  let browser: TestBrowser;
  let api: { url: string };
  let dir: string;
  let store: string;
  let infohash: string;
  let familyId: string;
  let startedAtMs: number;

  const cleanups: (() => Promise<unknown>)[] = [];
  // The helpers stop their processes through `t.after`; a suite hook has none, so collect them here.
  const context = { after: (fn: () => Promise<unknown>) => cleanups.push(fn) } as unknown as Parameters<typeof startSimProcess>[0];

  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const sim = await startSimProcess(context, ['--nodes', '200', '--torrents', '1', '--seed', '21', '--min-peers', '200', '--max-peers', '200', '--countries', 'DE=0.3,US=0.4,BR=0.2']);
    infohash = sim.torrents[0]!.infohash;
    dir = mkdtempSync(join(tmpdir(), 'swarmscope-map-'));
    store = `sqlite:${join(dir, 'db.sqlite')}`;
    const collect = ['collect', '--once', '--store', store, '--data-dir', dir, '--watch', infohash, '--bootstrap', sim.bootstrap.join(','), '--allow-private-addresses', '--dht-loopback-only', '--interval', '1s'];
    startedAtMs = Date.now();
    assert.equal((await runCli(collect)).code, 0);
    // Stopped for longer than 1.5 intervals: the sweep log makes it a collector_down gap.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    assert.equal((await runCli(collect)).code, 0);
    const added = await runCli(['family', 'add', 'Sim leak', '--torrent', infohash, '--store', store]);
    familyId = /added (fam_\S+)/.exec(added.stdout)![1]!;
    const db = new Database(join(dir, 'db.sqlite'));
    openAlertingState(db).events.record({ id: 'evt_report_test', type: 'swarm.threshold_crossed', ruleId: null, subject: infohash, occurredAtMs: startedAtMs + 1000, body: '{}' }, startedAtMs + 1000);
    db.close();
    [api, browser] = await Promise.all([startApiProcess(context, ['serve', '--store', store, '--data-dir', dir]), launchChromium()]);
  });
  after(async () => {
    await browser?.close();
    for (const cleanup of cleanups) await cleanup();
  });

  async function mapOf(hash: string, selector: string) {
    const { page, errors, requests } = await openPage(browser.context);
    await page.goto(`${api.url}/${hash}`);
    await page.waitForSelector(`${selector} svg path[data-peers]`);
    const paths = await page.$$eval(`${selector} svg path`, (nodes) => nodes.map((node) => ({ country: node.getAttribute('data-country'), peers: Number(node.getAttribute('data-peers')), fill: node.getAttribute('fill') })));
    return { page, errors, requests, paths };
  }

  it('the torrent view colours exactly the countries the geo route lists, the largest darkest', async () => {
    const geo = (await (await fetch(`${api.url}/api/v1/torrents/${infohash}/geo`)).json()) as { countries: { country: string; peers: number }[] };
    const listed = new Map(geo.countries.filter(({ country, peers }) => country !== 'other' && peers > 0).map(({ country, peers }) => [country, peers]));
    for (const code of ['DE', 'US', 'BR']) assert.ok(listed.has(code), `the sim placed peers in ${code}`);
    const { page, errors, requests, paths } = await mapOf(`#/torrent/${infohash}`, '[data-map="torrent"]');
    const coloured = paths.filter((path) => path.peers > 0);
    assert.deepEqual(new Map(coloured.map((path) => [path.country, path.peers])), new Map([...listed].filter(([code]) => paths.some((path) => path.country === code))));
    assert.ok(coloured.length >= 3);
    const largest = [...listed].sort((a, b) => b[1] - a[1])[0]![0];
    assert.equal(paths.find((path) => path.country === largest)!.fill, MAP_COLOURS.at(-1), `${largest} is darkest`);
    assert.ok(paths.filter((path) => path.peers === 0).every((path) => path.fill === '#e6e6e6'));
    assert.match((await page.textContent('[data-map="torrent"] svg title')) ?? '', /registry country/);
    const origin = new URL(api.url).origin;
    assert.deepEqual(requests.filter((url) => new URL(url).origin !== origin), [], 'no request leaves the origin');
    await page.locator('[data-map="torrent"]').screenshot({ path: join(ARTIFACTS, 'torrent-map.png') });
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('the family view draws the same countries', async () => {
    const { page, errors, paths } = await mapOf(`#/family/${familyId}?range=all`, '[data-map="family"]');
    const coloured = new Set(paths.filter((path) => path.peers > 0).map((path) => path.country));
    for (const code of ['DE', 'US', 'BR']) assert.ok(coloured.has(code), code);
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('swarmscope report writes one self-contained file: graphs with the gap, map, events, figures, methods; no request; prints', async () => {
    const out = join(dir, 'report.html');
    const run = await runCli(['report', '--torrent', infohash, '--from', new Date(startedAtMs - 60_000).toISOString(), '--out', out, '--store', store, '--data-dir', dir]);
    assert.equal(run.code, 0, run.stderr);
    const html = readFileSync(out, 'utf8');
    assert.doesNotMatch(html, /<script|<link|<img|@import|url\(http/i, 'nothing that loads or runs');
    const { page, errors } = await openPage(browser.context);
    const requests: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    await page.goto(`file://${out}`);
    assert.deepEqual(requests, [`file://${out}`], 'the file is the only request');
    assert.equal(await page.locator('figure.chart svg').count(), 3);
    assert.ok((await page.locator('[data-chart="peers"] rect.gap').count()) >= 1, 'the stop is drawn as a gap');
    assert.ok((await page.locator('[data-chart="peers"] polyline.line, [data-chart="peers"] circle').count()) >= 2);
    assert.ok((await page.locator('[data-chart="peers"] line.event').count()) >= 1, 'the event is marked on the graph');
    const coloured = await page.$$eval('svg.world-map path', (nodes) => nodes.filter((node) => Number(node.getAttribute('data-peers')) > 0).map((node) => node.getAttribute('data-country')));
    for (const code of ['DE', 'US', 'BR']) assert.ok(coloured.includes(code), `map: ${code}`);
    assert.match((await page.textContent('table.gaps')) ?? '', /collector_down/);
    assert.match((await page.textContent('table.events')) ?? '', /swarm\.threshold_crossed/);
    assert.match((await page.textContent('table.figures')) ?? '', /2 of \d+/);
    const methods = JSON.parse((await page.textContent('#methods-json'))!) as { schema: string; software: { commit: string }; range: { sweeps: { done: number } }; collectorSettings: unknown[] };
    assert.equal(methods.schema, 'swarmscope-methods/1');
    assert.equal(methods.range.sweeps.done, 2);
    assert.equal(methods.collectorSettings.length, 1);
    await page.emulateMedia({ media: 'print' });
    const pdf = join(dir, 'report.pdf');
    await page.pdf({ path: pdf, format: 'A4' });
    assert.ok(statSync(pdf).size > 20_000, 'a PDF with the vector graphs');
    await page.screenshot({ path: join(ARTIFACTS, 'report.png'), fullPage: true });
    assert.deepEqual(errors, []);
    await page.close();

    const familyOut = join(dir, 'family.html');
    const family = await runCli(['report', '--family', familyId, '--out', familyOut, '--store', store, '--data-dir', dir]);
    assert.equal(family.code, 0, family.stderr);
    assert.match(readFileSync(familyOut, 'utf8'), /Distinct peers, all members \(HLL union\)/);
    const both = await runCli(['report', '--torrent', infohash, '--family', familyId, '--out', familyOut, '--store', store]);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /exactly one of --torrent H or --family ID/);
  });
});
