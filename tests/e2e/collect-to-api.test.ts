/**
 * End to end through real processes: the loopback sim → `swarmscope collect --once` → SQLite →
 * `swarmscope serve` → the REST series endpoint, compared with the sim's ground truth.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { closedUdpPort, runCli, startApiProcess, startSimProcess, type SimAnnouncement } from '../helpers/child-processes.ts';

interface CollectJson {
  sweep: { startedAt: string; finishedAt: string; torrents: number };
  torrents: { infohash: string; label: string | null; dhtPeers: number | null; dhtPeersV4: number | null; dhtPeersV6: number | null; dhtNodes: number | null; bep33Seeders: number | null }[];
}

async function collectOnce(t: TestContext, sim: SimAnnouncement, extraArgs: string[]): Promise<{ json: CollectJson; store: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'swarmscope-e2e-'));
  const watchlist = join(dir, 'watchlist.json');
  writeFileSync(watchlist, JSON.stringify(sim.torrents.map((torrent) => ({ infohash: torrent.infohash, label: `sim swarm of ${torrent.peers}` }))));
  const store = `sqlite:${join(dir, 'swarmscope.db')}`;
  const args = ['collect', '--once', '--json', '--store', store, '--watch', watchlist, '--bootstrap', sim.bootstrap.join(','), '--allow-private-addresses', '--dht-loopback-only', ...extraArgs];
  const result = await runCli(args);
  t.diagnostic(`collect --once took ${result.durationMs} ms`);
  assert.equal(result.code, 0, result.stderr);
  return { json: JSON.parse(result.stdout) as CollectJson, store };
}

async function seriesFromApi(t: TestContext, store: string, infohashes: string[]): Promise<Map<string, number>> {
  const api = await startApiProcess(t, ['serve', '--store', store]);
  const latest = new Map<string, number>();
  for (const infohash of infohashes) {
    const response = await fetch(`${api.url}/api/v1/torrents/${infohash}/series?metric=dht_peers&from=-1h&step=0`);
    assert.equal(response.status, 200);
    const body = (await response.json()) as { infohash: string; metric: string; points: [string, number][] };
    assert.equal(body.metric, 'dht_peers');
    assert.equal(body.points.length, 1, 'one sweep, one sample');
    latest.set(infohash, body.points[0]![1]);
  }
  await api.process.stop();
  return latest;
}

test('collect --once on a 300-node sim counts every peer of swarms of 10–5,000, and the API serves it', async (t) => {
  const sim = await startSimProcess(t, ['--nodes', '300', '--torrents', '5', '--seed', '11', '--min-peers', '10', '--max-peers', '5000']);
  t.diagnostic(`ground truth: ${sim.torrents.map((torrent) => torrent.peers).join(', ')} peers`);
  const { json, store } = await collectOnce(t, sim, ['--dht-node-query-gap', '0', '--dht-max-queries-per-ip', '100000', '--dht-query-timeout', '500']);
  assert.equal(json.sweep.torrents, 5);
  assert.ok(Date.parse(json.sweep.finishedAt) >= Date.parse(json.sweep.startedAt));
  for (const truth of sim.torrents) {
    const row = json.torrents.find((torrent) => torrent.infohash === truth.infohash)!;
    assert.equal(row.dhtPeers, truth.peers, `dht_peers of ${truth.infohash}`);
    assert.equal(row.dhtPeersV4, truth.peers);
    assert.equal(row.dhtPeersV6, null, 'no IPv6 bootstrap node: not measured is null, never 0');
    assert.ok(row.dhtNodes! >= 8, 'at least the k closest nodes answered');
  }
  const fromApi = await seriesFromApi(t, store, sim.torrents.map((torrent) => torrent.infohash));
  for (const truth of sim.torrents) assert.equal(fromApi.get(truth.infohash), truth.peers);
});

test('with 10% packet loss and 20 ms RTT, collect --once still finds at least 95% of every swarm', async (t) => {
  const sim = await startSimProcess(t, ['--nodes', '300', '--torrents', '5', '--seed', '12', '--min-peers', '10', '--max-peers', '5000', '--loss', '0.1', '--rtt-ms', '20']);
  const { json, store } = await collectOnce(t, sim, ['--dht-node-query-gap', '50', '--dht-query-timeout', '600']);
  const fromApi = await seriesFromApi(t, store, sim.torrents.map((torrent) => torrent.infohash));
  for (const truth of sim.torrents) {
    const found = fromApi.get(truth.infohash)!;
    t.diagnostic(`${truth.infohash}: ${found} of ${truth.peers} (${((100 * found) / truth.peers).toFixed(1)}%)`);
    assert.ok(found >= 0.95 * truth.peers && found <= truth.peers, `${found} of ${truth.peers}`);
    assert.equal(json.torrents.find((torrent) => torrent.infohash === truth.infohash)!.dhtPeers, found);
  }
});

test('collect --once with an unreachable bootstrap node fails fast with one clear line', async () => {
  const port = await closedUdpPort();
  const result = await runCli(['collect', '--once', '--store', 'sqlite::memory:', '--bootstrap', `127.0.0.1:${port}`, '--allow-private-addresses'], { timeoutMs: 60_000 });
  assert.equal(result.code, 1);
  assert.equal(result.stdout, '');
  const lines = result.stderr.trim().split('\n');
  assert.equal(lines.length, 1, result.stderr);
  assert.match(lines[0]!, new RegExp(`DHT bootstrap failed .*127\\.0\\.0\\.1:${port}: no answer.*\\[bootstrap_unreachable\\]`));
  assert.ok(result.durationMs < 30_000, `failed after ${result.durationMs} ms; the contract is within 30 s`);
});

test('collect --once with a bootstrap host that does not resolve fails at once', async () => {
  const result = await runCli(['collect', '--once', '--store', 'sqlite::memory:', '--bootstrap', 'no-such-host.invalid:6881'], { timeoutMs: 60_000 });
  assert.equal(result.code, 1);
  assert.match(result.stderr, /no-such-host\.invalid:6881: DNS lookup failed \((ENOTFOUND|EAI_AGAIN)\)/);
});
