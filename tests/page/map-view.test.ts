/**
 * Spread in space on the built-in page (issue 13, item 5), in Chromium on real processes: a sim
 * swarm placed in known countries (one of them, Singapore, too small for the 1:110m atlas) is swept
 * by `swarmscope collect --once`, and `swarmscope serve` shows it.
 * - The torrent view's map colours exactly the sim's ground-truth countries (sim/country-blocks.ts,
 *   the collector's own database), each titled with its name and peers; every other country is
 *   grey; the legend has the grey swatch and counts Singapore by code; the top networks table sits
 *   beside the map and adds up to the swarm.
 * - The map follows the range picker: a range before the sweep has no map; "All" brings it back.
 * - The family view draws the same countries with its networks table beside the map.
 * - No request leaves the page's origin (the atlas is drawn on the server; nothing is fetched).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { COUNTRY_CODES_FILE } from '../../dashboards/geo/country-codes-from-iso.ts';
import { MAP_COLOURS, NO_PEERS_COLOUR } from '../../dashboards/geo/world-map-svg.ts';
import { countriesOf, simPeers } from '../geo/sim-ground-truth.ts';
import { ROOT, runCli, startApiProcess, startSimProcess } from '../helpers/child-processes.ts';
import { chromiumSkip, launchChromium, openPage, type TestBrowser } from './chromium.ts';

const ARTIFACTS = join(ROOT, 'test-artifacts', 'page');
const SHARES = { DE: 0.3, US: 0.35, BR: 0.2, JP: 0.1, SG: 0.05 };
const SIM = { torrents: 1, seed: 23, minPeers: 160, maxPeers: 160, countries: SHARES };
/** Singapore has no shape in Natural Earth 1:110m: counted in the legend line, not drawn. */
const UNDRAWN = 'SG';

interface MapPath {
  country: string;
  peers: number;
  fill: string;
  title: string;
}

async function mapPaths(page: Page, selector: string): Promise<MapPath[]> {
  return page.$$eval(`${selector} svg path`, (nodes) => nodes.map((node) => ({
    country: node.getAttribute('data-country') ?? '',
    peers: Number(node.getAttribute('data-peers')),
    fill: node.getAttribute('fill') ?? '',
    title: node.querySelector('title')?.textContent ?? '',
  })));
}

/** The map's box and the networks table's: beside means to its right, on the same rows. */
async function besideEachOther(page: Page, mapSelector: string, tableSelector: string): Promise<void> {
  const map = (await page.locator(mapSelector).boundingBox())!;
  const table = (await page.locator(tableSelector).boundingBox())!;
  assert.ok(table.x >= map.x + map.width - 1, `the table (x ${table.x}) starts right of the map (ends at ${map.x + map.width})`);
  assert.ok(table.y < map.y + map.height && map.y < table.y + table.height, 'on the same rows');
}

describe('the world map view', { skip: chromiumSkip(), timeout: 300_000 }, () => {
  let browser: TestBrowser;
  let api: { url: string };
  let dir: string;
  let infohash: string;
  let familyId: string;
  let truth: Map<string, number>;
  const names = (JSON.parse(readFileSync(COUNTRY_CODES_FILE, 'utf8')) as { names: Record<string, string> }).names;

  const cleanups: (() => Promise<unknown>)[] = [];
  // The helpers stop their processes through `t.after`; a suite hook has none, so collect them here.
  const context = { after: (fn: () => Promise<unknown>) => cleanups.push(fn) } as unknown as Parameters<typeof startSimProcess>[0];

  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const sim = await startSimProcess(context, ['--nodes', '120', '--torrents', '1', '--seed', '23', '--min-peers', '160', '--max-peers', '160', '--countries', Object.entries(SHARES).map(([code, share]) => `${code}=${share}`).join(',')]);
    infohash = sim.torrents[0]!.infohash;
    truth = countriesOf(simPeers(SIM).get(infohash)!);
    dir = mkdtempSync(join(tmpdir(), 'swarmscope-map-view-'));
    const store = `sqlite:${join(dir, 'db.sqlite')}`;
    const collect = await runCli(['collect', '--once', '--store', store, '--data-dir', dir, '--watch', infohash, '--bootstrap', sim.bootstrap.join(','), '--allow-private-addresses', '--dht-loopback-only']);
    assert.equal(collect.code, 0, collect.stderr);
    const added = await runCli(['family', 'add', 'Sim leak', '--torrent', infohash, '--store', store]);
    familyId = /added (fam_\S+)/.exec(added.stdout)![1]!;
    [api, browser] = await Promise.all([startApiProcess(context, ['serve', '--store', store, '--data-dir', dir]), launchChromium()]);
  });
  after(async () => {
    await browser?.close();
    for (const cleanup of cleanups) await cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function offOrigin(requests: string[]): string[] {
    const origin = new URL(api.url).origin;
    return requests.filter((url) => new URL(url).origin !== origin);
  }

  it('the torrent view colours exactly the sim\'s countries, titles them, counts the undrawn and shows the networks beside', async () => {
    for (const code of Object.keys(SHARES)) assert.ok((truth.get(code) ?? 0) > 0, `the sim placed peers in ${code}`);
    const drawable = new Map([...truth].filter(([code]) => code !== 'other' && code !== UNDRAWN));
    const { page, errors, requests } = await openPage(browser.context);
    await page.goto(`${api.url}/#/torrent/${infohash}`);
    await page.waitForSelector('[data-map="torrent"] svg path[data-peers]');
    const paths = await mapPaths(page, '[data-map="torrent"]');
    const coloured = paths.filter((path) => path.peers > 0);
    assert.deepEqual(new Map(coloured.map((path) => [path.country, path.peers])), drawable, 'exactly the ground truth');
    for (const path of coloured) {
      assert.ok(MAP_COLOURS.includes(path.fill), `${path.country} is on the scale`);
      assert.equal(path.title, `${names[path.country]}: ${path.peers} ${path.peers === 1 ? 'peer' : 'peers'}`);
    }
    const largest = [...drawable].sort((a, b) => b[1] - a[1])[0]![0];
    assert.equal(coloured.find((path) => path.country === largest)!.fill, MAP_COLOURS.at(-1), `${largest} is darkest`);
    assert.ok(paths.filter((path) => path.peers === 0).every((path) => path.fill === NO_PEERS_COLOUR), 'the rest is neutral');
    assert.equal(paths.find((path) => path.country === 'FR')!.title, 'France: 0 peers');

    const legend = await page.$$eval('[data-map="torrent"] svg g.legend-class', (nodes) => nodes.map((node) => [node.querySelector('rect')!.getAttribute('fill'), node.textContent]));
    assert.deepEqual(legend[0], [NO_PEERS_COLOUR, 'no peers']);
    const undrawn = (await page.textContent('[data-map="torrent"] svg text.undrawn')) ?? '';
    assert.match(undrawn, new RegExp(`\\b${UNDRAWN} ${truth.get(UNDRAWN)}\\b`), undrawn);

    await besideEachOther(page, '[data-map="torrent"]', '[data-geo="asn"]');
    const asnPeers = await page.$$eval('[data-geo="asn"] tbody tr td:nth-of-type(1)', (cells) => cells.map((cell) => Number(cell.textContent!.replace(/[^\d]/g, ''))));
    assert.ok(asnPeers.length > 0, 'the networks table has rows');
    assert.equal(asnPeers.reduce((sum, peers) => sum + peers, 0), [...truth.values()].reduce((sum, peers) => sum + peers, 0), 'the networks add up to the swarm');

    await page.locator('section[aria-labelledby="where"]').screenshot({ path: join(ARTIFACTS, 'map-view-torrent.png') });
    assert.deepEqual(offOrigin(requests), [], 'no request leaves the origin');
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('follows the range picker: no map for a range before the sweep, the map again for "All"', async () => {
    const { page, errors, requests } = await openPage(browser.context);
    const from = new Date(Date.now() - 3 * 86_400_000).toISOString();
    const to = new Date(Date.now() - 2 * 86_400_000).toISOString();
    await page.goto(`${api.url}/#/torrent/${infohash}?range=custom&from=${from}&to=${to}`);
    await page.getByText('No peer was located in this range').waitFor();
    assert.equal(await page.locator('[data-map="torrent"]').count(), 0);
    await page.click('[data-range="all"]');
    await page.waitForSelector('[data-map="torrent"] svg path[data-peers]');
    const coloured = (await mapPaths(page, '[data-map="torrent"]')).filter((path) => path.peers > 0).map((path) => path.country).sort();
    assert.deepEqual(coloured, [...truth.keys()].filter((code) => code !== 'other' && code !== UNDRAWN).sort());
    assert.deepEqual(offOrigin(requests), []);
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('the family view draws the same countries, its networks table beside the map', async () => {
    const { page, errors, requests } = await openPage(browser.context);
    await page.goto(`${api.url}/#/family/${familyId}?range=all`);
    await page.waitForSelector('[data-map="family"] svg path[data-peers]');
    const coloured = (await mapPaths(page, '[data-map="family"]')).filter((path) => path.peers > 0);
    assert.deepEqual(new Map(coloured.map((path) => [path.country, path.peers])), new Map([...truth].filter(([code]) => code !== 'other' && code !== UNDRAWN)));
    await besideEachOther(page, '[data-map="family"]', 'table.family-asns');
    await page.locator('[data-map="family"]').screenshot({ path: join(ARTIFACTS, 'map-view-family.png') });
    assert.deepEqual(offOrigin(requests), []);
    assert.deepEqual(errors, []);
    await page.close();
  });
});
