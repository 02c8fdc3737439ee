/**
 * The probe stage over scripted loopback peers: counts per role, unreachable peers counted, the
 * client mix as tagged samples, PEX peers joining the set, metadata stored and announced, and the
 * bounds (sample size, connection cap).
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { ProbeStage } from '../../collector/stages/probe-stage.ts';
import type { SwarmProbeReport } from '../../collector/peer-wire/probe-swarm.ts';
import type { NewDomainEvent } from '../../store/state/domain-events.ts';
import { openSqliteStore } from '../../store/sqlite/open-sqlite-store.ts';
import { loadInfoDictionary } from '../../store/torrent-info.ts';
import { closedTcpPort, startScriptedPeer, type ScriptedPeer, type ScriptedPeerOptions } from './scripted-peer.ts';
import { measurementWith, probeSettings, testTorrent, watched } from './probe-fixture.ts';

const peers: ScriptedPeer[] = [];
async function peer(options: ScriptedPeerOptions = {}): Promise<ScriptedPeer> {
  const started = await startScriptedPeer(options);
  peers.push(started);
  return started;
}
after(async () => {
  assert.equal(peers.reduce((total, started) => total + started.payloadRequests, 0), 0, 'no request message ever');
  await Promise.all(peers.map((started) => started.close()));
});

describe('ProbeStage', () => {
  it('counts seeders, leechers and unreachable peers, and writes the client mix', async () => {
    const torrent = testTorrent(8);
    const known = watched(torrent.infohash, { name: torrent.name, size: torrent.sizeBytes, pieceLengthBytes: torrent.pieceLengthBytes });
    const found = [
      await peer({ pieces: 'have-all', clientVersion: 'Transmission 4.0.5' }),
      await peer({ pieces: 'have-all' }),
      await peer({ pieces: { bitfield: Buffer.from([0b1010_0000]) }, clientVersion: 'Transmission 4.0.5' }),
      await peer({ pieces: 'have-none' }),
      await peer({ mute: true }),
      { host: '127.0.0.1', port: await closedTcpPort() },
    ];
    const reports: SwarmProbeReport[] = [];
    const stage = new ProbeStage(probeSettings(), { onReport: (_, report) => reports.push(report) });
    const measurement = measurementWith(known, found);
    await stage.measure(measurement);
    assert.deepEqual(measurement.values, { probe_seeders: 2, probe_leechers: 2, probe_unreachable: 2 });
    assert.deepEqual(reports[0]!.unreachableByReason, { 'handshake-timeout': 1, 'connect-refused': 1 });
    assert.deepEqual(reports[0]!.probed.map((probed) => probed.completion).filter((value) => value !== null).sort(), [0, 0.25, 1, 1]);
    assert.deepEqual(
      measurement.tagged.map((sample) => [sample.tag, sample.values.peers]),
      [['Transmission 4.0.5', 2], ['qBittorrent 4.5.2', 2]],
    );
    assert.ok(measurement.tagged.every((sample) => sample.measurement === 'swarm_client' && sample.infohash === torrent.infohash));
  });

  it('adds PEX peers (BEP 11) to the distinct set, tagged with their source', async () => {
    const torrent = testTorrent(4);
    const exchanging = await peer({ pex: [{ host: '127.9.0.3', port: 7003 }, { host: '127.9.0.4', port: 7004 }] });
    const measurement = measurementWith(watched(torrent.infohash, { name: 'x', size: torrent.sizeBytes, pieceLengthBytes: 16384 }), [exchanging]);
    await new ProbeStage(probeSettings()).measure(measurement);
    assert.deepEqual([...measurement.peers.get('127.9.0.3:7003')!.sources], ['pex']);
    assert.deepEqual([...measurement.peers.get('127.9.0.4:7004')!.sources], ['pex']);
    assert.deepEqual([...measurement.peers.get(`127.0.0.1:${exchanging.port}`)!.sources], ['dht']);
    assert.equal(measurement.peers.size, 3);
  });

  it('fetches missing metadata, stores it, and emits torrent.metadata; a forged copy is refused', async () => {
    const store = openSqliteStore(':memory:');
    after(() => store.close());
    const torrent = testTorrent(6);
    store.registry.add({ infohash: torrent.infohash, label: 'magnet only', trackers: ['udp://tracker.invalid:1337'] });
    const events: NewDomainEvent[] = [];
    const reports: SwarmProbeReport[] = [];
    const stage = new ProbeStage(probeSettings(), { registry: store.registry, emitDomainEvent: (event) => events.push(event), onReport: (_, report) => reports.push(report) });
    const forged = await peer({ info: testTorrent(2).info });
    const honest = await peer({ info: torrent.info, pieces: { bitfield: Buffer.from([0b1110_0000]) } });
    const measurement = measurementWith(store.registry.get(torrent.infohash)!, [forged, honest]);
    await stage.measure(measurement);

    const stored = store.registry.get(torrent.infohash)!;
    assert.equal(stored.name, torrent.name);
    assert.equal(stored.size, torrent.sizeBytes);
    assert.equal(stored.pieceLengthBytes, torrent.pieceLengthBytes);
    assert.deepEqual(stored.files, [{ path: torrent.name, length: torrent.sizeBytes }]);
    assert.equal(stored.label, 'magnet only');
    assert.deepEqual(stored.trackers, ['udp://tracker.invalid:1337'], 'trackers from the magnet are kept');
    assert.deepEqual(loadInfoDictionary(store.db, torrent.infohash), torrent.info);
    assert.equal(measurement.torrent.name, torrent.name, 'later stages and the sweep output see the metadata');
    assert.deepEqual(reports[0]!.metadataProblems, { 'hash-mismatch': 1 });
    // The forged copy's peer still says have_all; the honest one holds 3 of 6 pieces, known once the metadata arrived.
    assert.deepEqual(measurement.values, { probe_seeders: 1, probe_leechers: 1, probe_unreachable: 0 });
    assert.deepEqual(reports[0]!.probed.map((probed) => probed.completion).sort(), [0.5, 1]);
    assert.equal(events.length, 1);
    assert.equal(events[0]!.type, 'torrent.metadata');
    assert.equal(events[0]!.subject, torrent.infohash);
    assert.equal(events[0]!.data?.name, torrent.name);
    assert.equal(events[0]!.data?.size, torrent.sizeBytes);
    assert.ok(!JSON.stringify(events).includes('127.0.0.1'), 'no peer address in the event');
  });

  it('probes at most the sample size, with at most `concurrency` connections at once', async () => {
    const torrent = testTorrent(4);
    const swarm = await Promise.all(Array.from({ length: 12 }, () => peer({ pieces: 'have-all' })));
    const stage = new ProbeStage(probeSettings({ sampleSize: 7, concurrency: 3 }));
    const measurement = measurementWith(watched(torrent.infohash, { name: 'x', size: torrent.sizeBytes, pieceLengthBytes: 16384 }), swarm);
    await stage.measure(measurement);
    assert.equal(swarm.reduce((total, started) => total + started.connections, 0), 7);
    assert.equal(measurement.values.probe_seeders, 7);
    assert.ok(stage.slots.peakInUse <= 3, `peak ${stage.slots.peakInUse} connections`);
    assert.equal(stage.slots.peakInUse, 3);
  });

  it('leaves the values unmeasured when no peer may be probed', async () => {
    const torrent = testTorrent(2);
    const measurement = measurementWith(watched(torrent.infohash), [{ host: '198.51.100.7', port: 6881 }]);
    await new ProbeStage(probeSettings()).measure(measurement);
    assert.deepEqual(measurement.values, {});
    assert.deepEqual(measurement.tagged, []);
  });
});
