/**
 * The page's discoveries and family views in a real Chromium (issue 11): a discovery with its
 * reasons, the min-score filter, and a family drawn as one line per member plus the family's
 * distinct-peer line, with the unique-peers figure the API answers.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { buildApp } from '../../api/app.ts';
import { startServer } from '../../api/server.ts';
import { PeerHasher } from '../../collector/sketches/peer-hasher.ts';
import { openSqliteStore } from '../../store/sqlite/open-sqlite-store.ts';
import { createDiscoveriesRepo, summarizeFiles } from '../../store/state/discoveries-repo.ts';
import { createFamiliesRepo } from '../../store/state/families-repo.ts';
import { chromiumSkip, launchChromium, openPage, type TestBrowser } from './chromium.ts';

const HOUR = 3_600_000;
const A = 'a1'.repeat(20);
const B = 'b2'.repeat(20);
const ip = (i: number): string => `11.0.${(i >> 8) & 255}.${i & 255}`;

describe('discoveries and family views in Chromium', { skip: chromiumSkip() }, () => {
  let browser: TestBrowser;
  let url: string;
  let familyId: string;
  let closeAll: () => Promise<void>;

  before(async () => {
    const nowMs = Date.now();
    const store = openSqliteStore(':memory:', { now: () => nowMs - 48 * HOUR });
    store.registry.add({ infohash: A, label: 'LLaMA original' });
    store.registry.add({ infohash: B, label: 'LLaMA re-pack' });
    const hasher = new PeerHasher(randomBytes(32));
    const peers = (from: number, to: number) => Array.from({ length: to - from }, (_, index) => ip(from + index));
    for (let sweep = 1; sweep <= 6; sweep++) {
      const atMs = nowMs - sweep * HOUR;
      await store.series.writeSamples([{ infohash: A, atMs, values: { dht_peers: 300 } }, { infohash: B, atMs, values: { dht_peers: 200 } }]);
      await store.series.writeSketches([{ infohash: A, atMs, sketch: hasher.sketch(peers(0, 300)).serialize() }, { infohash: B, atMs, sketch: hasher.sketch(peers(200, 400)).serialize() }]);
    }
    const families = createFamiliesRepo(store.db);
    familyId = families.create({ name: 'LLaMA 1 (March 2023 leak)', description: 'the 4chan magnet and its re-packs' }).id;
    families.attach(familyId, 'torrent', A);
    families.attach(familyId, 'torrent', B);
    const discovery = (n: string, name: string, score: number, reasons: string[]) => ({
      infohash: n.repeat(40 / n.length), name, size: 13e9, score, reasons, foundBy: 'sample' as const, firstSeenAtMs: nowMs - HOUR, discoveredAtMs: nowMs - HOUR,
      files: summarizeFiles([{ path: `${name}/model-00001-of-00002.safetensors`, length: 9e9 }]), modelFamily: 'llama', quantisation: null,
      suggestedFamily: score > 0.5 ? { id: familyId, name: 'LLaMA 1 (March 2023 leak)', evidence: [{ kind: 'same-pieces', file: 'x', memberFile: 'y' }] } : null, watchedAtMs: null,
    });
    const repo = createDiscoveriesRepo(store.db);
    repo.save(discovery('c3', 'llama-weights-7b', 0.95, ['2 weight files (e.g. model-00001-of-00002.safetensors), 13.0 GB: weights (+0.5)', 'name mentions model family "llama" (+0.15)']));
    repo.save(discovery('d4', 'maybe-a-model', 0.35, ['a weak reason (+0.35)']));
    const app = await buildApp({ series: store.series, registry: store.registry, stateDb: store.db, readiness: () => ({ ready: true, checks: {} }), rateLimit: { max: 0 } });
    const server = await startServer(app, { host: '127.0.0.1', port: 0 });
    url = server.url;
    browser = await launchChromium();
    closeAll = async () => {
      await browser.close();
      await server.close();
      await store.close();
    };
  });
  after(() => closeAll?.());

  it('lists discoveries by score, shows why on demand, and filters by score', async () => {
    const { page, errors } = await openPage(browser.context);
    await page.goto(`${url}/#/discoveries?minScore=0.3`);
    await page.locator('table.discoveries tbody tr[data-infohash]').first().waitFor();
    assert.deepEqual(await page.locator('table.discoveries tbody tr[data-infohash] th button').allTextContents(), ['llama-weights-7b', 'maybe-a-model']);
    await page.getByRole('button', { name: 'llama-weights-7b' }).click();
    const reasons = await page.locator('tr.discovery-details:not([hidden]) ul.reasons li').allTextContents();
    assert.deepEqual(reasons, ['2 weight files (e.g. model-00001-of-00002.safetensors), 13.0 GB: weights (+0.5)', 'name mentions model family "llama" (+0.15)']);
    assert.equal(await page.getByRole('link', { name: 'LLaMA 1 (March 2023 leak)' }).count(), 1, 'the suggested family links to its view');
    await page.selectOption('#min-score', '0.5');
    await page.waitForFunction(() => document.querySelectorAll('table.discoveries tbody tr[data-infohash]').length === 1);
    assert.match(page.url(), /minScore=0\.5/);
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('draws a line per member torrent plus the distinct-peer line, and shows the union, not the sum', async () => {
    const { page, errors } = await openPage(browser.context);
    await page.goto(`${url}/#/family/${familyId}?range=24h`);
    await page.locator('#family-unique-peers').waitFor();
    const unique = Number((await page.locator('#family-unique-peers').textContent())!.replace(/[^0-9]/g, ''));
    assert.ok(Math.abs(unique - 400) <= 8, `distinct peers shown: ${unique} (a sum would be 500)`);
    await page.waitForFunction(() => (window as unknown as { swarmscopeCharts: Map<string, unknown> }).swarmscopeCharts.has('family-spread'));
    const labels = await page.evaluate(() => {
      const chart = (window as unknown as { swarmscopeCharts: Map<string, { series: { label: string }[]; data: (number | null)[][] }> }).swarmscopeCharts.get('family-spread')!;
      return { labels: chart.series.slice(1).map((series) => series.label), distinct: chart.data[3]!.filter((value) => value !== null) };
    });
    assert.deepEqual(labels.labels, ['LLaMA original', 'LLaMA re-pack', 'distinct peers (HLL union)']);
    assert.equal(labels.distinct.length, 6);
    for (const value of labels.distinct) assert.ok(Math.abs(value! - 400) <= 8, `distinct line point ${value}`);
    assert.match((await page.locator('.method').textContent())!, /never a sum/);
    await page.goto(`${url}/#/families`);
    await page.locator('table.families tbody tr').first().waitFor();
    assert.equal(await page.locator('table.families tbody tr').count(), 1);
    assert.deepEqual(errors, []);
    await page.close();
  });
});
