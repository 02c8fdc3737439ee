/**
 * One probe against scripted loopback peers (built with bittorrent-protocol itself): handshake
 * checks, piece messages, metadata bounds and verification, unreachable peers. Every scripted peer
 * also proves that no payload `request` message ever reached it.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { probePeer } from '../../collector/peer-wire/probe-peer.ts';
import { classifyPieces } from '../../collector/peer-wire/piece-evidence.ts';
import { closedTcpPort, startScriptedPeer, type ScriptedPeer, type ScriptedPeerOptions } from './scripted-peer.ts';
import { probeOptions, testTorrent } from './probe-fixture.ts';

const peers: ScriptedPeer[] = [];
async function peer(options: ScriptedPeerOptions): Promise<ScriptedPeer> {
  const started = await startScriptedPeer(options);
  peers.push(started);
  return started;
}
after(async () => {
  for (const started of peers) assert.equal(started.payloadRequests, 0, 'a probe never sends a request message');
  await Promise.all(peers.map((started) => started.close()));
});

describe('probePeer', () => {
  const torrent = testTorrent(10);

  it('classifies a peer that sends have_all (BEP 6) as a seeder and names its client', async () => {
    const seeder = await peer({ pieces: 'have-all', clientVersion: 'qBittorrent/4.6.3' });
    const result = await probePeer(seeder, probeOptions(torrent.infohash));
    assert.equal(result.unreachable, null);
    assert.deepEqual(result.evidence, { kind: 'have-all' });
    assert.equal(result.client, 'qBittorrent 4.6.3');
    assert.deepEqual(classifyPieces(result.evidence!, null), { role: 'seeder', completion: 1 });
    assert.equal(seeder.interested, 0, 'a probe never says it is interested');
    assert.ok(!result.sentIds.has(6) && !result.sentIds.has(7), 'no request or piece message sent');
    assert.ok((result.sentIds.get(20) ?? 0) >= 1, 'the BEP 10 extended handshake was sent');
  });

  it('falls back to the peer id (BEP 20) for the client name', async () => {
    const seeder = await peer({ pieces: 'have-all' });
    const result = await probePeer(seeder, probeOptions(torrent.infohash));
    assert.equal(result.client, 'qBittorrent 4.5.2');
  });

  it('turns a bitfield into a leecher with a completion fraction once the piece count is known', async () => {
    const bits = Buffer.from([0b1111_0000, 0b0000_0000]); // 4 of 10 pieces
    const leecher = await peer({ pieces: { bitfield: bits } });
    const result = await probePeer(leecher, probeOptions(torrent.infohash));
    assert.equal(result.unreachable, null);
    assert.deepEqual(classifyPieces(result.evidence!, torrent.pieceCount), { role: 'leecher', completion: 0.4 });
  });

  it('refuses a peer whose handshake names another infohash', async () => {
    const wrong = await peer({ answerInfohash: 'ab'.repeat(20) });
    const result = await probePeer(wrong, probeOptions(torrent.infohash));
    assert.equal(result.unreachable, 'wrong-infohash');
    assert.equal(result.evidence, null);
  });

  it('counts a peer that never answers, and a closed port, as unreachable', async () => {
    const mute = await peer({ mute: true });
    const silent = await probePeer(mute, probeOptions(torrent.infohash, { handshakeTimeoutMs: 300 }));
    assert.equal(silent.unreachable, 'handshake-timeout');
    assert.ok(silent.durationMs >= 290 && silent.durationMs < 5000, `gave up after ${silent.durationMs} ms`);
    const refused = await probePeer({ host: '127.0.0.1', port: await closedTcpPort() }, probeOptions(torrent.infohash));
    assert.equal(refused.unreachable, 'connect-refused');
  });

  it('never connects outside loopback in loopback-only mode', async () => {
    const started = performance.now();
    // 192.0.2.1 is TEST-NET-1 (RFC 5737): even a connection attempt would leave the machine.
    const result = await probePeer({ host: '192.0.2.1', port: 6881 }, probeOptions(torrent.infohash));
    assert.equal(result.unreachable, 'refused-by-policy');
    assert.ok(performance.now() - started < 100, 'refused before any socket was opened');
  });

  it('fetches metadata over ut_metadata (BEP 9) and verifies SHA-1(info) = infohash', async () => {
    const server = await peer({ info: torrent.info, pieces: { bitfield: Buffer.from([0xff, 0xc0]) } });
    const result = await probePeer(server, probeOptions(torrent.infohash, { fetchMetadata: true }));
    assert.ok(result.metadata?.ok, JSON.stringify(result.metadata));
    const metadata = result.metadata.metadata;
    assert.equal(metadata.name, torrent.name);
    assert.equal(metadata.sizeBytes, torrent.sizeBytes);
    assert.equal(metadata.pieceLengthBytes, torrent.pieceLengthBytes);
    assert.equal(metadata.pieceCount, 10);
    assert.deepEqual(metadata.files, [{ path: torrent.name, length: torrent.sizeBytes }]);
    assert.deepEqual(classifyPieces(result.evidence!, metadata.pieceCount), { role: 'seeder', completion: 1 });
  });

  it('rejects metadata that does not hash to the infohash', async () => {
    const forged = await peer({ info: testTorrent(3).info });
    const result = await probePeer(forged, probeOptions(torrent.infohash, { fetchMetadata: true }));
    assert.deepEqual(result.metadata, { ok: false, problem: 'hash-mismatch' });
    assert.equal(result.unreachable, null, 'the peer itself was still probed');
  });

  it('never asks for metadata larger than the bound', async () => {
    const oversized = await peer({ declaredMetadataSize: 11 * 1024 * 1024 });
    const result = await probePeer(oversized, probeOptions(torrent.infohash, { fetchMetadata: true, metadataMaxBytes: 10 * 1024 * 1024 }));
    assert.deepEqual(result.metadata, { ok: false, problem: 'too-large' });
    assert.equal(oversized.metadataMessages, 0, 'not a single ut_metadata request was sent');
  });

  it('drops a peer whose metadata message would crash ut_metadata, and keeps running', async () => {
    const hostile = await peer({ declaredMetadataSize: 100, metadataPieceIndex: 7 });
    const result = await probePeer(hostile, probeOptions(torrent.infohash, { fetchMetadata: true }));
    assert.equal(result.unreachable, 'protocol-error');
    assert.deepEqual(result.metadata, { ok: false, problem: 'closed' });
  });

  it('a ut_pex message that hangs the bencode library closes the connection instead (extended-message-guard.ts)', async () => {
    const hanging = Buffer.from('64353a6164646564363a010203041ae1373a61646465642e21313a102d363a6164', 'hex');
    const hostile = await peer({ rawPexMessage: hanging });
    const result = await probePeer(hostile, probeOptions(torrent.infohash));
    assert.deepEqual(result.pex, [], 'no peers from it, and the probe returned');
  });

  it('collects the peers of a PEX message (BEP 11)', async () => {
    const exchanging = await peer({ pex: [{ host: '127.9.0.1', port: 7001 }, { host: '::1', port: 7002 }] });
    const result = await probePeer(exchanging, probeOptions(torrent.infohash));
    assert.deepEqual(result.pex.map((found) => `${found.host}:${found.port}/${found.family}`).sort(), ['127.9.0.1:7001/4', '::1:7002/6']);
  });
});
