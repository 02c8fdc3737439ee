/**
 * Interop with a real BitTorrent client (Debian's aria2c), all on loopback: one aria2c seeds a
 * torrent, a second holds only part of another (its payload is wrong past piece 5, so its hash check
 * keeps pieces 0–4 and it leeches the rest from nobody: a stable partial leecher). Both join the sim
 * DHT and announce. The collector watches both as bare infohashes (no metadata), finds each client by
 * a DHT lookup, fetches the metadata over ut_metadata (BEP 9, SHA-1 verified), stores it, and
 * classifies the first as a seeder (BEP 6 have_all) and the second as a leecher at 5/16.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DhtClient } from '../../collector/dht/dht-client.ts';
import { PeerMemory } from '../../collector/peer-memory.ts';
import { probePeer } from '../../collector/peer-wire/probe-peer.ts';
import type { SwarmProbeReport } from '../../collector/peer-wire/probe-swarm.ts';
import { DhtStage } from '../../collector/stages/dht-stage.ts';
import { ProbeStage } from '../../collector/stages/probe-stage.ts';
import { runSweep } from '../../collector/sweep.ts';
import { parseTorrentFile } from '../../collector/watchlist/parse-torrent-file.ts';
import { startSimSwarm } from '../../sim/index.ts';
import { emitDomainEvent, readDomainEventsAfter } from '../../store/state/domain-events.ts';
import { openSqliteStore } from '../../store/sqlite/open-sqlite-store.ts';
import { loadInfoDictionary } from '../../store/torrent-info.ts';
import { runCli } from '../helpers/child-processes.ts';
import { aria2Available, startAria2Seeder } from '../interop/aria2-client.ts';
import { makeTorrent } from '../interop/make-torrent.ts';
import { probeOptions, probeSettings } from './probe-fixture.ts';

const PIECE_BYTES = 16 * 1024;
const PIECES = 16;
const GOOD_PIECES = 5;

test('aria2c: metadata over ut_metadata from a real seeder; seeder and partial leecher classified', { skip: aria2Available() ? false : 'aria2c is not installed (apt-get install aria2)' }, async (t) => {
  const sim = await startSimSwarm({ nodes: 120, torrents: 1, seed: 44, minPeers: 10, maxPeers: 20 });
  t.after(() => sim.close());
  const dir = mkdtempSync(join(tmpdir(), 'swarmscope-aria2-probe-'));
  const full = await makeTorrent({ dir: join(dir, 'seed-data'), size: PIECES * PIECE_BYTES });
  const partial = await makeTorrent({ dir: join(dir, 'leech-data'), size: PIECES * PIECE_BYTES });
  const payload = readFileSync(partial.dataPath);
  writeFileSync(partial.dataPath, payload.fill(0, GOOD_PIECES * PIECE_BYTES)); // pieces 5–15 no longer match their hashes

  const [seeder, leecher] = await Promise.all([
    startAria2Seeder({ bootstrap: sim.bootstrap[0]!, workDir: join(dir, 'aria2-seed'), torrent: full.torrentPath, bindAddress: '127.2.0.1' }),
    startAria2Seeder({ bootstrap: sim.bootstrap[0]!, workDir: join(dir, 'aria2-leech'), torrent: partial.torrentPath, bindAddress: '127.2.0.2', partialPayload: true }),
  ]);
  t.after(() => Promise.all([seeder.stop(), leecher.stop()]));
  await Promise.all([seeder.waitForAnnounce({ minNodes: 4 }), leecher.waitForAnnounce({ minNodes: 4 })]);

  const dht = await DhtClient.open({
    bindHost: '127.0.0.1', port: 0, bootstrap: sim.bootstrap, bootstrapTimeoutMs: 10_000, allowPrivateAddresses: true, loopbackOnly: true, queryTimeoutMs: 500,
  });
  t.after(() => dht.close());
  await dht.bootstrap();
  const store = openSqliteStore(join(dir, 'swarmscope.db'));
  t.after(() => store.close());
  store.registry.add({ infohash: full.infohash, label: 'aria2 seed' });
  store.registry.add({ infohash: partial.infohash, label: 'aria2 partial' });
  const reports = new Map<string, SwarmProbeReport>();
  // aria2 takes a new connection on its engine's next tick: its handshake comes ~0.5 s after connect.
  const probe = new ProbeStage(probeSettings({ handshakeTimeoutMs: 5000, settleMs: 1500 }), {
    registry: store.registry,
    emitDomainEvent: (event) => emitDomainEvent(store.db, event),
    onReport: (infohash, report) => reports.set(infohash, report),
  });
  const sweep = await runSweep(store.registry.list().torrents, { stages: [new DhtStage(dht, new PeerMemory()), probe], series: store.series, concurrency: 2 });

  t.diagnostic(`sweep probes (with the metadata fetch): seeder ${reports.get(full.infohash)?.probed[0]?.durationMs.toFixed(0)} ms, leecher ${reports.get(partial.infohash)?.probed[0]?.durationMs.toFixed(0)} ms`);
  const valuesOf = (infohash: string) => sweep.results.find((result) => result.torrent.infohash === infohash)!.sample!.values;
  assert.equal(valuesOf(full.infohash).dht_peers, 1);
  assert.equal(valuesOf(partial.infohash).dht_peers, 1);
  assert.deepEqual([valuesOf(full.infohash).probe_seeders, valuesOf(full.infohash).probe_leechers, valuesOf(full.infohash).probe_unreachable], [1, 0, 0]);
  assert.deepEqual([valuesOf(partial.infohash).probe_seeders, valuesOf(partial.infohash).probe_leechers, valuesOf(partial.infohash).probe_unreachable], [0, 1, 0]);
  const leecherReport = reports.get(partial.infohash)!;
  assert.equal(leecherReport.probed[0]!.completion, GOOD_PIECES / PIECES, 'completion from the bitfield and the fetched piece count');
  assert.equal(leecherReport.probed[0]!.client, 'aria2 1.36.0');

  for (const made of [full, partial]) {
    const stored = store.registry.get(made.infohash)!;
    assert.equal(stored.name, made.name);
    assert.equal(stored.size, made.length);
    assert.equal(stored.pieceLengthBytes, PIECE_BYTES);
    assert.deepEqual(stored.files, [{ path: made.name, length: made.length }]);
    assert.deepEqual(loadInfoDictionary(store.db, made.infohash), parseTorrentFile(readFileSync(made.torrentPath)).infoDictionary);
  }
  const events = readDomainEventsAfter(store.db, 0, 10);
  assert.deepEqual(events.map((event) => [event.type, event.subject]).sort(), [['torrent.metadata', full.infohash], ['torrent.metadata', partial.infohash]].sort());

  // Client mix and privacy: one aria2c per torrent, and no peer address anywhere we wrote.
  assert.equal((await store.series.latestSamples()).get(full.infohash)?.values.probe_seeders, 1);
  for (const report of reports.values()) {
    assert.deepEqual(report.clients, ['aria2 1.36.0']);
    for (const probed of report.probed) assert.ok(!probed.sentIds.has(6) && !probed.sentIds.has(7), 'no request or piece message sent');
  }
  assert.ok(!JSON.stringify(events).includes('127.2.0.'), 'no peer address in domain events');
  for (const client of [seeder, leecher]) {
    const log = readFileSync(client.logPath, 'utf8');
    assert.match(log, /extended ut_metadata request piece=0/, 'aria2 served the metadata');
    assert.doesNotMatch(log, /From: \S+ request index/, 'aria2 never received a payload request');
  }

  // The same through the CLI, as a user runs it with a magnet: probes stay on loopback (`auto` with the sim).
  const cliStore = join(dir, 'cli.db');
  const cli = await runCli([
    'collect', '--once', '--json', '--store', `sqlite:${cliStore}`, '--data-dir', join(dir, 'cli-data'), '--watch', full.magnet,
    '--bootstrap', sim.bootstrap.join(','), '--allow-private-addresses', '--dht-loopback-only', '--dht-query-timeout', '500',
  ]);
  assert.equal(cli.code, 0, cli.stderr);
  const printed = JSON.parse(cli.stdout) as { torrents: { dhtPeers: number; probeSeeders: number; probeLeechers: number; name: string; size: number }[] };
  assert.deepEqual(printed.torrents.map((row) => [row.dhtPeers, row.probeSeeders, row.probeLeechers, row.size]), [[1, 1, 0, full.length]]);
  assert.ok(!cli.stdout.includes('127.2.0.') && !cli.stderr.includes('127.2.0.'), 'no peer address in the output or the log');
  const cliDb = openSqliteStore(cliStore);
  t.after(() => cliDb.close());
  assert.deepEqual(readDomainEventsAfter(cliDb.db, 0, 10).map((event) => [event.type, event.data.size]), [['torrent.metadata', full.length]]);

  // Figures: repeated probes of the seeder, wall time and this process's CPU per probe.
  const rounds = 5;
  const cpuBefore = process.cpuUsage();
  const startedMs = performance.now();
  for (let round = 0; round < rounds; round++) {
    const result = await probePeer({ host: seeder.host, port: seeder.peerPort }, probeOptions(full.infohash, { handshakeTimeoutMs: 5000, settleMs: 1500 }));
    assert.deepEqual(result.evidence, { kind: 'have-all' });
  }
  const cpu = process.cpuUsage(cpuBefore);
  t.diagnostic(`probe of a real aria2c seeder: ${((performance.now() - startedMs) / rounds).toFixed(1)} ms wall, ${((cpu.user + cpu.system) / 1000 / rounds).toFixed(2)} ms CPU per probe`);
});
