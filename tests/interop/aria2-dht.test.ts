/**
 * Interop with a real BitTorrent client from Debian (aria2c): it joins the sim's DHT on loopback,
 * announces a torrent it seeds, and `swarmscope collect --once` finds it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DhtClient } from '../../collector/dht/dht-client.ts';
import { startSimSwarm } from '../../sim/index.ts';
import { runCli } from '../helpers/child-processes.ts';
import { aria2Available, startAria2Seeder } from './aria2-client.ts';
import { makeTorrent } from './make-torrent.ts';

test('a real aria2c joins the sim DHT, announces, and the collector counts it', { skip: aria2Available() ? false : 'aria2c is not installed (apt-get install aria2)' }, async (t) => {
  const sim = await startSimSwarm({ nodes: 200, torrents: 2, seed: 21, minPeers: 10, maxPeers: 50 });
  t.after(() => sim.close());
  const dir = mkdtempSync(join(tmpdir(), 'swarmscope-aria2-'));
  const torrent = await makeTorrent({ dir: join(dir, 'data'), size: 256 * 1024 });
  const seeder = await startAria2Seeder({ bootstrap: sim.bootstrap[0]!, workDir: join(dir, 'aria2'), torrent: torrent.torrentPath, bindAddress: '127.2.0.1' });
  t.after(() => seeder.stop());
  const acknowledgedBy = await seeder.waitForAnnounce({ minNodes: 4, timeoutMs: 30_000 });
  t.diagnostic(`aria2c announced to ${acknowledgedBy.length} sim nodes`);

  // The collector's own lookup, in process: the only peer of this fresh torrent is aria2c itself.
  const dht = await DhtClient.open({
    bindHost: '127.0.0.1',
    port: 0,
    bootstrap: sim.bootstrap,
    bootstrapTimeoutMs: 10_000,
    allowPrivateAddresses: true,
    loopbackOnly: true,
    queryTimeoutMs: 500,
  });
  t.after(() => dht.close());
  await dht.bootstrap();
  const lookup = await dht.lookup(torrent.infohash);
  assert.deepEqual([...lookup.peers.keys()], [`127.2.0.1:${seeder.peerPort}`]);

  // And through the CLI, as a user runs it; the sweep output carries counts, never addresses.
  writeFileSync(join(dir, 'watchlist.json'), JSON.stringify([{ torrent: torrent.torrentPath, label: 'aria2 seed' }]));
  const result = await runCli([
    'collect', '--once', '--json', '--store', `sqlite:${join(dir, 'swarmscope.db')}`, '--watch', join(dir, 'watchlist.json'),
    '--bootstrap', sim.bootstrap.join(','), '--allow-private-addresses', '--dht-loopback-only', '--dht-query-timeout', '500',
  ]);
  assert.equal(result.code, 0, result.stderr);
  const json = JSON.parse(result.stdout) as { torrents: { infohash: string; dhtPeers: number; name: string; size: number }[] };
  assert.equal(json.torrents.length, 1);
  assert.equal(json.torrents[0]!.infohash, torrent.infohash);
  assert.equal(json.torrents[0]!.dhtPeers, 1);
  assert.equal(json.torrents[0]!.name, torrent.name);
  assert.equal(json.torrents[0]!.size, torrent.length);
  assert.ok(!result.stdout.includes('127.2.0.1'), 'no peer address in the output');
});
