/**
 * Geography end to end: sim peers placed in known country blocks → a collector sweep (DHT lookup,
 * enrichment, sketches) → the store → GET /geo gives exactly the per-country counts of the ground
 * truth. Also times the geography databases' load.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildApp } from '../../api/app.ts';
import { loadGeoLookup } from '../../collector/enrichment/geo-lookup.ts';
import { PeerMemory } from '../../collector/peer-memory.ts';
import { defaultStages } from '../../collector/stages/default-stages.ts';
import { createDetailStages } from '../../collector/stages/detail-stages.ts';
import { runSweep } from '../../collector/sweep.ts';
import { bareWatchedTorrent } from '../../collector/watchlist/bare-watched-torrent.ts';
import { countryPlacement } from '../../sim/country-blocks.ts';
import { openSqliteStore } from '../../store/sqlite/open-sqlite-store.ts';
import { startSimProcess } from '../helpers/child-processes.ts';
import { loopbackDhtClient } from '../helpers/loopback-dht-client.ts';
import { countriesOf, simPeers } from './sim-ground-truth.ts';

const SHARES = { DE: 0.3, US: 0.45, JP: 0.2 };
const SIM = { torrents: 3, seed: 44, minPeers: 40, maxPeers: 400, countries: SHARES };

test('sim peers in known country blocks give the right per-country counts, from sweep to /geo', async (t) => {
  const sim = await startSimProcess(t, ['--nodes', '200', '--torrents', '3', '--seed', '44', '--min-peers', '40', '--max-peers', '400', '--countries', 'DE=0.3,US=0.45,JP=0.2']);
  const truth = simPeers(SIM);
  assert.deepEqual([...truth.keys()], sim.torrents.map((torrent) => torrent.infohash), 'the same options give the same swarms here');

  const beforeLoad = process.memoryUsage().rss;
  const geo = loadGeoLookup();
  t.diagnostic(`geography databases: loaded in ${geo.loadMs.toFixed(0)} ms, ASN index ${(geo.asnIndexBytes / 2 ** 20).toFixed(1)} MiB of typed arrays, RSS +${((process.memoryUsage().rss - beforeLoad) / 2 ** 20).toFixed(0)} MiB`);

  const dataDir = mkdtempSync(join(tmpdir(), 'swarmscope-geo-'));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  const dht = await loopbackDhtClient(t, sim.bootstrap);
  const store = openSqliteStore(':memory:');
  t.after(() => store.close());
  const detail = createDetailStages({ dataDir, allowPrivateAddresses: true, allowPrivateTargets: [], dhtLoopbackOnly: true, trackerTimeoutMs: 500, peerHashEpochDays: 0 }, store.series);
  const torrents = sim.torrents.map((torrent) => bareWatchedTorrent(torrent.infohash));
  for (const torrent of torrents) store.registry.add({ infohash: torrent.infohash });
  const report = await runSweep(torrents, { stages: defaultStages({ dht, peerMemory: new PeerMemory(), detail }), series: store.series, concurrency: 4 });

  const app = await buildApp({ series: store.series, registry: store.registry, stateDb: store.db, readiness: () => ({ ready: true, checks: {} }) });
  t.after(() => app.close());
  for (const torrent of sim.torrents) {
    const peers = truth.get(torrent.infohash)!;
    const expected = countriesOf(peers);
    const values = report.results.find((result) => result.torrent.infohash === torrent.infohash)!.sample!.values;
    assert.equal(values.dht_peers, peers.length, 'the lookup found every peer');
    // Placement: 30% of the list in DE, 45% in US, 20% in JP, by construction.
    const placed = countryPlacement(SHARES);
    const placedCounts = { DE: 0, US: 0, JP: 0 } as Record<string, number>;
    peers.forEach((_, index) => placed(index) && placedCounts[placed(index)!]!++);
    for (const [country, count] of Object.entries(placedCounts)) assert.ok(expected.get(country)! >= count, `${country}: ${expected.get(country)} >= ${count} placed`);

    const answer = (await app.inject({ url: `/api/v1/torrents/${torrent.infohash}/geo?from=-1h` })).json();
    const fromApi = new Map<string, number>(answer.countries.map((row: { country: string; peers: number }) => [row.country, row.peers]));
    t.diagnostic(`${torrent.infohash.slice(0, 8)}: ${peers.length} peers; /geo ${JSON.stringify(Object.fromEntries(fromApi))}`);
    assert.deepEqual(Object.fromEntries([...fromApi].sort()), Object.fromEntries([...expected].sort()));
    assert.equal(values.countries, [...expected.keys()].filter((country) => country !== 'other').length);
    assert.equal(answer.asns.reduce((sum: number, row: { peers: number }) => sum + row.peers, 0), peers.length, 'ASN counts sum to the peers');
    assert.ok(Math.abs(values.unique_peers! - peers.length) <= Math.max(2, 0.02 * peers.length), `unique_peers ${values.unique_peers} of ${peers.length}`);
  }
});
