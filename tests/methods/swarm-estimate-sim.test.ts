/**
 * Issue 13's estimator on the sim: 120 independently seeded swarms of known size (200–600 members),
 * of which only 30–70% announce to the DHT; ten loopback peers in each name 50 random members over
 * PEX (BEP 11), whether they announce or not (sim/pex-swarms.ts). One real sweep
 * (`collect --once --json`) captures each swarm twice — the DHT lookup and the probes' PEX — and the
 * Chapman estimate's 95% interval must cover the true size in at least 90% of the swarms. The DHT
 * count alone (the number shown without the estimate) misses the hidden part every time.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli, startSimProcess } from '../helpers/child-processes.ts';

const SWARMS = 120;

interface SweptTorrent {
  infohash: string;
  dhtPeers: number | null;
  pexPeers: number | null;
  swarmEstimate: number | null;
  swarmEstimateLow: number | null;
  swarmEstimateHigh: number | null;
  swarmEstimateOverlap: number | null;
}

test(`the swarm estimate's 95% interval covers the true size in ≥ 90% of ${SWARMS} seeded sim swarms`, { timeout: 300_000 }, async (t) => {
  const sim = await startSimProcess(t, ['--nodes', '300', '--torrents', '0', '--seed', '13', '--pex-swarms', String(SWARMS)]);
  const truth = (sim as unknown as { pexSwarms: { infohash: string; population: number; announced: number }[] }).pexSwarms;
  assert.equal(truth.length, SWARMS);
  const dir = mkdtempSync(join(tmpdir(), 'swarmscope-estimate-'));
  const watchlist = join(dir, 'watch.json');
  writeFileSync(watchlist, JSON.stringify(truth.map(({ infohash }) => ({ infohash }))));
  const run = await runCli(
    ['collect', '--once', '--json', '--store', `sqlite:${join(dir, 'db.sqlite')}`, '--data-dir', dir, '--watch', watchlist, '--bootstrap', sim.bootstrap.join(','), '--allow-private-addresses', '--dht-loopback-only'],
    { timeoutMs: 240_000 },
  );
  assert.equal(run.code, 0, run.stderr);
  const swept = new Map((JSON.parse(run.stdout) as { torrents: SweptTorrent[] }).torrents.map((torrent) => [torrent.infohash, torrent]));

  let covered = 0;
  let relativeErrorSum = 0;
  const misses: string[] = [];
  for (const swarm of truth) {
    const torrent = swept.get(swarm.infohash)!;
    // The first capture is exact on the sim: every announcing member, and no one else.
    assert.equal(torrent.dhtPeers, swarm.announced, `${swarm.infohash}: DHT capture`);
    assert.ok(torrent.dhtPeers! < swarm.population, 'the DHT alone undercounts');
    assert.ok(torrent.pexPeers! > 0 && torrent.swarmEstimateOverlap! >= 7, `${swarm.infohash}: overlap ${torrent.swarmEstimateOverlap}`);
    const { swarmEstimate: estimate, swarmEstimateLow: low, swarmEstimateHigh: high } = torrent;
    assert.ok(estimate !== null && low !== null && high !== null && low <= estimate && estimate <= high);
    assert.ok(low >= torrent.dhtPeers! + torrent.pexPeers! - torrent.swarmEstimateOverlap!, 'never below the peers seen');
    if (low <= swarm.population && swarm.population <= high) covered++;
    else misses.push(`${swarm.population} outside [${low}, ${high}]`);
    relativeErrorSum += Math.abs(estimate - swarm.population) / swarm.population;
  }
  const coverage = covered / truth.length;
  const meanRelativeError = relativeErrorSum / truth.length;
  t.diagnostic(`coverage ${covered}/${truth.length} (${(coverage * 100).toFixed(1)}%), mean |error| ${(meanRelativeError * 100).toFixed(1)}%; misses: ${misses.join('; ') || 'none'}`);
  assert.ok(coverage >= 0.9, `coverage ${coverage}: ${misses.join('; ')}`);
  // An interval that covers because it is huge would pass the line above: the estimate must also be close.
  assert.ok(meanRelativeError < 0.1, `mean relative error ${meanRelativeError}`);
});
