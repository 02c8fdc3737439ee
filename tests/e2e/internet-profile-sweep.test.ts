/**
 * The collector with its default settings on the Internet profile of the sim (issue 12): dead
 * contacts, churn, long-tailed RTTs, loss, libtorrent's storage cap, upload budget and DoS blocker,
 * mixed implementations. A default sweep must trigger no IP block on any node (the sim logs every
 * block on stderr), and it reports recall against what the nodes store (a figure for the reader;
 * the benchmark gives it per swarm-size band). `collect --once` runs as a user runs it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { runCli, startSimProcess } from '../helpers/child-processes.ts';

test('a default-settings sweep on the Internet profile triggers no IP block', { timeout: 600_000 }, async (t) => {
  const sim = await startSimProcess(t, ['--profile', 'internet', '--nodes', '500', '--torrents', '10', '--seed', '12', '--min-peers', '20', '--max-peers', '2500']);
  const dataDir = mkdtempSync(join(tmpdir(), 'swarmscope-internet-'));
  const path = join(dataDir, 'db.sqlite');
  const collected = await runCli(
    ['collect', '--once', '--store', `sqlite:${path}`, '--data-dir', dataDir, '--bootstrap', sim.bootstrap.join(','), '--allow-private-addresses', '--dht-loopback-only', ...sim.torrents.flatMap((torrent) => ['--watch', torrent.infohash])],
    { timeoutMs: 540_000 },
  );
  assert.equal(collected.code, 0, collected.stderr);
  const blocks = sim.process.stderr().split('\n').filter((line) => line.startsWith('sim: block:'));
  const db = new Database(path, { readonly: true });
  const found = new Map((db.prepare('SELECT infohash, dht_peers FROM swarm').all() as { infohash: string; dht_peers: number }[]).map((row) => [row.infohash, row.dht_peers]));
  db.close();
  const corroborable = sim.torrents.reduce((sum, torrent) => sum + torrent.corroborable, 0);
  const counted = sim.torrents.reduce((sum, torrent) => sum + Math.min(found.get(torrent.infohash) ?? 0, torrent.corroborable), 0);
  t.diagnostic(`internet profile, 500 nodes, 10 torrents: sweep ${Math.round(collected.durationMs / 1000)} s, ${blocks.length} blocks, recall ${((100 * counted) / corroborable).toFixed(1)}% of ${corroborable} corroborable stored peers`);
  assert.deepEqual(blocks, [], 'no node blocked the collector');
  assert.equal(found.size, sim.torrents.length, 'every torrent measured');
  for (const torrent of sim.torrents) assert.ok((found.get(torrent.infohash) ?? 0) <= torrent.stored, `${torrent.infohash}: never more than the nodes store`);
});
