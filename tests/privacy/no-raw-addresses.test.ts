/**
 * Privacy end to end (DESIGN.md §9): the sim (IPv4 peers in real country blocks, and IPv6 peers) →
 * `swarmscope collect --once` with SQLite → `swarmscope serve` and `swarmscope export`. Afterwards
 * not one of the sim's peer addresses may appear, as text (dotted IPv4, IPv6 in its canonical and
 * full forms) or in binary (4 / 16 address bytes, 6 / 18 compact peer bytes), in the SQLite file,
 * its -wal or -shm, the debug-level logs of both processes, or any API or export answer.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { SWARM_METRICS } from '../../store/types.ts';
import { runCli, startApiProcess, startSimProcess } from '../helpers/child-processes.ts';
import { simPeers, type TruthPeer } from '../geo/sim-ground-truth.ts';

const SIM_ARGS = ['--nodes', '150', '--torrents', '3', '--seed', '77', '--min-peers', '30', '--max-peers', '200', '--ipv6', '--countries', 'DE=0.3,US=0.4'];
const SIM_OPTIONS = { torrents: 3, seed: 77, minPeers: 30, maxPeers: 200, ipv6: true, countries: { DE: 0.3, US: 0.4 } };

/** Every form an address could leak in. */
function needles(peer: TruthPeer): { label: string; bytes: Buffer }[] {
  const ip = peer.compact.subarray(0, peer.compact.length - 2);
  const forms = [
    { label: `${peer.host} (text)`, bytes: Buffer.from(peer.host) },
    { label: `${peer.host} (address bytes)`, bytes: Buffer.from(ip) },
    { label: `${peer.host}:${peer.port} (compact peer)`, bytes: peer.compact },
  ];
  if (ip.length === 16) {
    const full = Array.from({ length: 8 }, (_, group) => ip.readUInt16BE(group * 2).toString(16).padStart(4, '0')).join(':');
    forms.push({ label: `${peer.host} (full IPv6 text)`, bytes: Buffer.from(full) });
  }
  return forms;
}

function findLeaks(where: string, haystack: Buffer, peers: readonly TruthPeer[]): string[] {
  return peers.flatMap((peer) => needles(peer).filter((needle) => haystack.includes(needle.bytes)).map((needle) => `${where}: ${needle.label}`));
}

test('no peer address reaches the SQLite file, its WAL, the logs, the API or an export', async (t) => {
  const sim = await startSimProcess(t, SIM_ARGS);
  const truth = simPeers(SIM_OPTIONS);
  const peers = [...truth.values()].flat();
  assert.ok(peers.some((peer) => peer.compact.length === 18) && peers.some((peer) => peer.compact.length === 6), 'IPv4 and IPv6 peers');
  // The scan itself works: it finds an address that is there.
  assert.equal(findLeaks('control', Buffer.concat([Buffer.from('x'), peers[0]!.compact]), [peers[0]!]).length >= 2, true);

  const dir = mkdtempSync(join(tmpdir(), 'swarmscope-privacy-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const database = join(dir, 'swarmscope.db');
  const watchlist = join(dir, 'watchlist.json');
  writeFileSync(watchlist, JSON.stringify(sim.torrents.map((torrent) => ({ infohash: torrent.infohash, label: 'privacy' }))));
  const common = ['--store', `sqlite:${database}`, '--data-dir', dir, '--log-level', 'debug'];
  const collect = await runCli([
    'collect', '--once', '--json', ...common, '--watch', watchlist,
    '--bootstrap', [...sim.bootstrap, ...sim.bootstrap6].join(','), '--dht-bind-host6', '::1',
    '--allow-private-addresses', '--dht-loopback-only', '--dht-node-query-gap', '0', '--dht-max-queries-per-ip', '100000', '--dht-query-timeout', '500',
  ]);
  assert.equal(collect.code, 0, collect.stderr);
  const swept = JSON.parse(collect.stdout) as { torrents: { infohash: string; dhtPeers: number; uniquePeers?: number }[] };
  for (const torrent of swept.torrents) assert.equal(torrent.dhtPeers, truth.get(torrent.infohash)!.length, 'every peer was measured (so every one could have leaked)');

  assert.match(collect.stderr, /sweep complete/, 'the collector logged (at debug level)');
  const leaks: string[] = [];
  const scanFiles = (when: string): void => {
    for (const suffix of ['', '-wal', '-shm']) {
      if (existsSync(database + suffix)) leaks.push(...findLeaks(`${when}: swarmscope.db${suffix}`, readFileSync(database + suffix), peers));
    }
  };
  scanFiles('after collect');
  leaks.push(...findLeaks('collect stdout', Buffer.from(collect.stdout), peers), ...findLeaks('collect stderr (debug log)', Buffer.from(collect.stderr), peers));

  const api = await startApiProcess(t, ['serve', ...common]);
  const answers: string[] = [];
  const get = async (path: string): Promise<unknown> => {
    const response = await fetch(`${api.url}${path}`);
    const body = await response.text();
    answers.push(body);
    assert.equal(response.status, 200, `${path}: ${body}`);
    return response.headers.get('content-type')?.includes('json') ? JSON.parse(body) : body;
  };
  await get('/api/v1/torrents');
  for (const { infohash } of sim.torrents) {
    await get(`/api/v1/torrents/${infohash}`);
    for (const metric of SWARM_METRICS) await get(`/api/v1/torrents/${infohash}/series?metric=${metric}&from=-1h&step=0`);
    await get(`/api/v1/torrents/${infohash}/series?metric=dht_peers&from=-1h&format=csv`);
    const geo = (await get(`/api/v1/torrents/${infohash}/geo?from=-1h`)) as { countries: { country: string }[] };
    assert.ok(geo.countries.some((row) => row.country === 'DE'), 'geography was measured');
    await get(`/api/v1/torrents/${infohash}/unique-peers?from=-1h`);
  }
  await get(`/api/v1/compare?metric=dht_peers&from=-1h&${sim.torrents.map((torrent) => `infohash=${torrent.infohash}`).join('&')}`);
  await get('/metrics');
  scanFiles('while serving');
  await api.process.stop();
  leaks.push(...findLeaks('API answers', Buffer.from(answers.join('\n')), peers), ...findLeaks('serve stderr (debug log)', Buffer.from(api.process.stderr()), peers));

  for (const format of ['csv', 'json']) {
    const exported = await runCli(['export', ...common, '--infohash', sim.torrents[0]!.infohash, '--metric', 'unique_peers', '--from', '-1h', '--step', '0', '--format', format]);
    assert.equal(exported.code, 0, exported.stderr);
    leaks.push(...findLeaks(`export ${format}`, Buffer.from(exported.stdout + exported.stderr), peers));
  }
  scanFiles('at the end');
  t.diagnostic(`${peers.length} sim peers, ${answers.length} API answers, ${collect.stderr.split('\n').length} collector log lines scanned`);
  assert.deepEqual(leaks, []);
});
