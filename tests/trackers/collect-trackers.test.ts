/**
 * Tracker scrapes through the real CLI: `collect --once --json` on a sim torrent whose magnet lists
 * a live opentracker (UDP and HTTP) and a dead UDP tracker prints the max across live trackers and
 * stores one series per tracker, the dead one flagged with tracker_up 0.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openSqliteStore } from '../../store/sqlite/open-sqlite-store.ts';
import { closedUdpPort, runCli, startSimProcess } from '../helpers/child-processes.ts';
import { httpAnnounce, udpAnnounce } from './announce-clients.ts';
import { opentrackerSkip, startOpenTracker } from './opentracker.ts';

test('collect --once scrapes the trackers a magnet lists', { skip: opentrackerSkip() }, async (t) => {
  const sim = await startSimProcess(t, ['--nodes', '60', '--torrents', '1', '--seed', '5', '--min-peers', '20', '--max-peers', '20']);
  const infohash = sim.torrents[0]!.infohash;
  const tracker = await startOpenTracker([infohash]);
  t.after(() => tracker.dispose());
  // 2 seeders over HTTP, 1 leecher over UDP, then it completes: 3 seeders, 0 leechers, 1 completed.
  await httpAnnounce(tracker.announceUrl, { infohash, port: 9001, left: 0 });
  await httpAnnounce(tracker.announceUrl, { infohash, port: 9002, left: 0 });
  await udpAnnounce('127.0.0.1', tracker.port, { infohash, port: 9003, left: 100, event: 'started' });
  await udpAnnounce('127.0.0.1', tracker.port, { infohash, port: 9003, left: 0, event: 'completed' });
  const dead = `udp://127.0.0.1:${await closedUdpPort()}/announce`;

  const dir = mkdtempSync(join(tmpdir(), 'swarmscope-trackers-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const magnet = `magnet:?xt=urn:btih:${infohash}&tr=${encodeURIComponent(tracker.udpUrl)}&tr=${encodeURIComponent(tracker.announceUrl)}&tr=${encodeURIComponent(dead)}`;
  const database = join(dir, 'swarmscope.db');
  const result = await runCli([
    'collect', '--once', '--json', '--store', `sqlite:${database}`, '--data-dir', dir, '--watch', magnet,
    '--bootstrap', sim.bootstrap.join(','), '--allow-private-addresses', '--dht-loopback-only', '--dht-node-query-gap', '0', '--dht-query-timeout', '500', '--tracker-timeout', '300',
  ]);
  assert.equal(result.code, 0, result.stderr);
  const row = (JSON.parse(result.stdout) as { torrents: Record<string, unknown>[] }).torrents[0]!;
  assert.deepEqual([row.trackerSeeders, row.trackerLeechers, row.trackerCompleted], [3, 0, 1]);
  assert.equal(row.dhtPeers, 20);

  const store = openSqliteStore(database);
  t.after(() => store.close());
  const query = { measurement: 'swarm_tracker' as const, infohash, fromMs: 0, toMs: Date.now(), stepMs: 0, agg: 'last' as const };
  const up = Object.fromEntries([...(await store.series.queryTagged({ ...query, field: 'tracker_up' }))].map(([tag, points]) => [tag, points[0]![1]]));
  assert.deepEqual(up, { [tracker.udpUrl]: 1, [tracker.announceUrl]: 1, [dead]: 0 });
  const seeders = await store.series.queryTagged({ ...query, field: 'tracker_seeders' });
  assert.deepEqual([...seeders.keys()].sort(), [tracker.announceUrl, tracker.udpUrl].sort(), 'a dead tracker has no counts, never zeros');
});
