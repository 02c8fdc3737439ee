/**
 * The pure parts of the peer wire: piece classification, client names, the client mix, the
 * outgoing guard, target policy, PEX address parsing, info dictionary verification, sampling.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { clientName } from '../../collector/peer-wire/client-id.ts';
import { clientMix } from '../../collector/peer-wire/client-mix.ts';
import { isProbeTarget } from '../../collector/peer-wire/connect.ts';
import { verifyInfoDictionary } from '../../collector/peer-wire/fetch-metadata.ts';
import { OutgoingGuard, PayloadMessageRefused } from '../../collector/peer-wire/outgoing-guard.ts';
import { parsePexPeer } from '../../collector/peer-wire/pex.ts';
import { classifyPieces } from '../../collector/peer-wire/piece-evidence.ts';
import { resolveProbeTargets } from '../../collector/peer-wire/probe-settings.ts';
import { samplePeers } from '../../collector/peer-wire/probe-swarm.ts';
import { testTorrent } from './probe-fixture.ts';

describe('classifyPieces', () => {
  const bits = (...bytes: number[]) => ({ kind: 'bits' as const, bits: Buffer.from(bytes) });
  it('counts the pieces a bitfield holds against the piece count', () => {
    assert.deepEqual(classifyPieces(bits(0xff, 0xc0), 10), { role: 'seeder', completion: 1 });
    assert.deepEqual(classifyPieces(bits(0xff, 0x80), 10), { role: 'leecher', completion: 0.9 });
    // Spare bits past the piece count do not count (BEP 3 wants them zero; a sloppy peer sets them).
    assert.deepEqual(classifyPieces(bits(0xff, 0xff), 10), { role: 'seeder', completion: 1 });
  });
  it('guesses from the bitfield shape alone when the piece count is unknown', () => {
    assert.deepEqual(classifyPieces(bits(0xff, 0xc0), null), { role: 'seeder', completion: null });
    assert.deepEqual(classifyPieces(bits(0xff, 0xa0), null), { role: 'leecher', completion: null });
    assert.deepEqual(classifyPieces(bits(0xfe, 0xff), null), { role: 'leecher', completion: null });
    assert.deepEqual(classifyPieces(bits(0x00), null), { role: 'leecher', completion: null });
  });
  it('reads have_all, have_none and silence (BEP 6, BEP 3)', () => {
    assert.deepEqual(classifyPieces({ kind: 'have-all' }, null), { role: 'seeder', completion: 1 });
    assert.deepEqual(classifyPieces({ kind: 'have-none' }, 5), { role: 'leecher', completion: 0 });
    assert.deepEqual(classifyPieces({ kind: 'silent' }, 5), { role: 'leecher', completion: 0 });
  });
});

describe('clientName', () => {
  const id = (prefix: string) => Buffer.concat([Buffer.from(prefix, 'latin1'), Buffer.alloc(20 - prefix.length, 0x41)]);
  it('reads Azureus-style and Mainline-style peer ids (BEP 20)', () => {
    assert.equal(clientName({ peerId: id('-qB4520-') }), 'qBittorrent 4.5.2');
    assert.equal(clientName({ peerId: id('-TR4050-') }), 'Transmission 4.0.5');
    assert.equal(clientName({ peerId: id('-UT355S-') }), 'µTorrent 3.5.5');
    assert.equal(clientName({ peerId: id('-lt0D60-') }), 'rTorrent 0.13.6');
    assert.equal(clientName({ peerId: id('A2-1-36-0-') }), 'aria2 1.36.0');
    assert.equal(clientName({ peerId: id('M7-4-3--') }), 'BitTorrent 7.4.3');
    assert.equal(clientName({ peerId: id('-ZZ1000-') }), 'unknown');
    assert.equal(clientName({ peerId: null }), 'unknown');
  });
  it('prefers the extended handshake `v` (BEP 10), cleaned and bounded', () => {
    assert.equal(clientName({ v: Buffer.from('qBittorrent/4.6.3'), peerId: id('-qB4520-') }), 'qBittorrent 4.6.3');
    assert.equal(clientName({ v: Buffer.from('µTorrent 3.6') }), 'µTorrent 3.6');
    assert.equal(clientName({ v: Buffer.from('evil\u0000\n<script>') }), 'evilscript');
    assert.equal(clientName({ v: Buffer.from('x'.repeat(500)) }).length, 40);
    assert.equal(clientName({ v: Buffer.from('\u0001\u0002'), peerId: id('-DE2110-') }), 'Deluge 2.1.1');
  });
});

describe('clientMix', () => {
  it('keeps the top N clients and sums the rest into `other`', () => {
    const clients = ['a', 'a', 'a', 'b', 'b', 'c', 'd', 'other'];
    const mix = clientMix('f'.repeat(40), clients, 2);
    assert.deepEqual(mix.map((sample) => [sample.tag, sample.values.peers]), [['a', 3], ['b', 2], ['other', 3]]);
    assert.equal(mix.reduce((total, sample) => total + (sample.values.peers ?? 0), 0), clients.length);
    assert.deepEqual(clientMix('f'.repeat(40), ['a'], 10).map((sample) => sample.tag), ['a']);
  });
});

describe('OutgoingGuard', () => {
  const frames = (...messages: Buffer[]) => Buffer.concat([Buffer.alloc(68), ...messages]);
  const message = (id: number, payload = Buffer.alloc(0)) => {
    const head = Buffer.alloc(5);
    head.writeUInt32BE(payload.length + 1);
    head[4] = id;
    return Buffer.concat([head, payload]);
  };
  it('tallies message ids across chunk boundaries and passes bytes through', async () => {
    const guard = new OutgoingGuard();
    const bytes = frames(message(20, Buffer.from('d1:md11:ut_metadatai1eee')), Buffer.alloc(4), message(15), message(20, Buffer.alloc(40)));
    const out: Buffer[] = [];
    guard.on('data', (chunk: Buffer) => out.push(chunk));
    for (let offset = 0; offset < bytes.length; offset += 7) guard.write(bytes.subarray(offset, offset + 7));
    guard.end();
    await new Promise((resolve) => guard.once('end', resolve));
    assert.deepEqual(Buffer.concat(out), bytes);
    assert.deepEqual([...guard.sentIds], [[20, 2], [15, 1]]);
  });
  it('stops a request (id 6) before it reaches the peer', async () => {
    const guard = new OutgoingGuard();
    const failure = new Promise<Error>((resolve) => guard.once('error', resolve));
    guard.write(frames(message(6, Buffer.alloc(12))));
    assert.ok((await failure) instanceof PayloadMessageRefused);
  });
});

describe('target policy', () => {
  it('allows only loopback in loopback mode, and only usable peers otherwise', () => {
    const loopback = { targets: 'loopback' as const, allowPrivateAddresses: true };
    assert.equal(isProbeTarget({ host: '127.2.0.1', port: 6881 }, loopback), true);
    assert.equal(isProbeTarget({ host: '::1', port: 6881 }, loopback), true);
    assert.equal(isProbeTarget({ host: '10.0.0.1', port: 6881 }, loopback), false);
    assert.equal(isProbeTarget({ host: '8.8.8.8', port: 6881 }, loopback), false);
    assert.equal(isProbeTarget({ host: 'localhost', port: 6881 }, loopback), false, 'names are never resolved');
    assert.equal(isProbeTarget({ host: '127.0.0.1', port: 0 }, loopback), false);
    const any = { targets: 'any' as const, allowPrivateAddresses: false };
    assert.equal(isProbeTarget({ host: '8.8.8.8', port: 6881 }, any), true);
    assert.equal(isProbeTarget({ host: '192.168.1.2', port: 6881 }, any), false);
  });
  it('resolves `auto` to loopback whenever the collector runs against the sim', () => {
    assert.equal(resolveProbeTargets({ probeTargets: 'auto', dhtLoopbackOnly: false, allowPrivateAddresses: false }), 'any');
    assert.equal(resolveProbeTargets({ probeTargets: 'auto', dhtLoopbackOnly: true, allowPrivateAddresses: false }), 'loopback');
    assert.equal(resolveProbeTargets({ probeTargets: 'auto', dhtLoopbackOnly: false, allowPrivateAddresses: true }), 'loopback');
    assert.equal(resolveProbeTargets({ probeTargets: 'any', dhtLoopbackOnly: true, allowPrivateAddresses: true }), 'any');
  });
});

describe('parsePexPeer', () => {
  it('reads ut_pex peer strings of both families and refuses anything else', () => {
    assert.deepEqual(parsePexPeer('1.2.3.4:6881'), { host: '1.2.3.4', port: 6881, family: 4 });
    assert.deepEqual(parsePexPeer('[2001:db8::1]:51413'), { host: '2001:db8::1', port: 51413, family: 6 });
    for (const bad of ['1.2.3.4', '1.2.3.4:0', '1.2.3.4:70000', 'example.com:80', '[zz::1]:1', '999.1.1.1:5']) assert.equal(parsePexPeer(bad), undefined, bad);
  });
});

describe('verifyInfoDictionary', () => {
  it('accepts the bytes that hash to the infohash and nothing else', () => {
    const torrent = testTorrent(3);
    const good = verifyInfoDictionary(torrent.info, torrent.infohash);
    assert.ok(good.ok && good.metadata.pieceCount === 3 && good.metadata.name === torrent.name);
    assert.deepEqual(verifyInfoDictionary(testTorrent(3).info, torrent.infohash), { ok: false, problem: 'hash-mismatch' });
    const junk = Buffer.from('d4:name3:abce');
    assert.deepEqual(verifyInfoDictionary(junk, createHash('sha1').update(junk).digest('hex')), { ok: false, problem: 'invalid-info' });
  });
});

describe('samplePeers', () => {
  it('draws distinct items, at most the sample size', () => {
    const items = Array.from({ length: 100 }, (_, index) => index);
    const sample = samplePeers(items, 10);
    assert.equal(sample.length, 10);
    assert.equal(new Set(sample).size, 10);
    assert.deepEqual(samplePeers(items.slice(0, 3), 10).sort(), [0, 1, 2]);
  });
});
