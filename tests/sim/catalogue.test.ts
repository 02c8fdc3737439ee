/**
 * The sim's catalogue: thousands of named torrents with real info dictionaries, a fixed set of
 * model-like and look-alike ones, content-addressed piece hashes that make a re-pack share pieces
 * with its original, and loopback peers that serve metadata to the collector's own fetcher.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import net from 'node:net';
import { after, before, test } from 'node:test';
import { openPeerSession, type SessionOptions } from '../../collector/peer-wire/handshake.ts';
import { fetchMetadata, verifyInfoDictionary } from '../../collector/peer-wire/fetch-metadata.ts';
import { PeerWireFailure } from '../../collector/peer-wire/peer-wire-failure.ts';
import { SwarmscopeError } from '../../core/errors.ts';
import { type BencodeDict, decodeBencode, isBytes } from '../../protocol/bencode.ts';
import { addressKey, decodeCompactPeer } from '../../protocol/compact.ts';
import { readValues } from '../../protocol/krpc.ts';
import { type CatalogueEntry, FIXED_CATALOGUE_KEYS, type SimSwarm, type SimSwarmOptions, startSimSwarm } from '../../sim/index.ts';
import { SimKrpcClient, expectResponse } from '../helpers/sim-krpc-client.ts';

const ORDINARY = 3000;
let swarm: SimSwarm;
let entries: CatalogueEntry[];
let startupMs: number;

function fixed(key: (typeof FIXED_CATALOGUE_KEYS)[number]): CatalogueEntry {
  return entries.find((entry) => entry.fixed === key)!;
}

/** Files with their byte offsets, and the 20-byte piece hashes, read back from the info dictionary. */
function layoutOf(entry: CatalogueEntry): { pieceLength: number; pieces: string[]; files: { path: string; length: number; offset: number }[] } {
  const info = decodeBencode(entry.infoBytes).value as BencodeDict;
  const pieceLength = info['piece length'] as number;
  const pieceBytes = info.pieces as Buffer;
  const pieces = Array.from({ length: pieceBytes.length / 20 }, (_, index) => pieceBytes.subarray(index * 20, index * 20 + 20).toString('hex'));
  const listed = typeof info.length === 'number' ? [{ path: [info.name as Buffer], length: info.length }] : (info.files as BencodeDict[]).map((file) => ({ path: file.path as Buffer[], length: file.length as number }));
  let offset = 0;
  const files = listed.map((file) => {
    const placed = { path: file.path.filter(isBytes).map((part) => part.toString('utf8')).join('/'), length: file.length, offset };
    offset += file.length;
    return placed;
  });
  return { pieceLength, pieces, files };
}

/** Hashes of the pieces wholly inside a file. */
function fullPieceHashes(layout: ReturnType<typeof layoutOf>, path: string): string[] {
  const file = layout.files.find((candidate) => candidate.path === path)!;
  const first = Math.ceil(file.offset / layout.pieceLength);
  const end = Math.floor((file.offset + file.length) / layout.pieceLength);
  return layout.pieces.slice(first, end);
}

function sessionOptions(infohash: string): SessionOptions {
  return {
    infohash,
    connect: { timeoutMs: 2000, targets: 'loopback', allowPrivateAddresses: true },
    handshakeTimeoutMs: 2000,
    maxReceivedBytes: 2_000_000,
    offerMetadata: true,
    allowPrivateAddresses: true,
  };
}

before(async () => {
  const started = performance.now();
  swarm = await startSimSwarm({ nodes: 200, torrents: 2, minPeers: 5, maxPeers: 20, seed: 'catalogue', bindHostBase: '127.35', catalogue: { torrents: ORDINARY } });
  startupMs = performance.now() - started;
  entries = swarm.catalogue();
});
after(() => swarm.close());

test(`${ORDINARY} ordinary torrents and the fixed set start in a few seconds`, (t) => {
  t.diagnostic(`startup with ${entries.length} catalogue torrents: ${Math.round(startupMs)} ms`);
  assert.equal(entries.length, ORDINARY + FIXED_CATALOGUE_KEYS.length);
  assert.ok(startupMs < 15_000, `started in ${Math.round(startupMs)} ms`);
  assert.equal(new Set(entries.map((entry) => entry.infohash)).size, entries.length, 'infohashes are distinct');
  const categories = new Set(entries.filter((entry) => !entry.fixed).map((entry) => entry.category));
  for (const category of ['film', 'tv', 'linux-iso', 'music', 'photos', 'game', 'dataset', 'software']) assert.ok(categories.has(category as never), category);
  assert.ok(entries.filter((entry) => !entry.fixed).every((entry) => entry.kind === 'ordinary' && entry.lineage === undefined));
  const served = entries.filter((entry) => !entry.fixed && entry.metadataServed).length;
  assert.ok(served > ORDINARY * 0.4 && served < ORDINARY * 0.6, `${served} ordinary torrents served (metadataShare 0.5)`);
});

test('every catalogue infohash is the SHA-1 of a valid BEP 3 info dictionary', () => {
  for (const entry of entries) {
    const infoBytes = entry.infoBytes;
    assert.equal(createHash('sha1').update(infoBytes).digest('hex'), entry.infohash);
    assert.ok(infoBytes.length < 10_000_000, 'under ut_metadata’s 10 MB');
    const verified = verifyInfoDictionary(infoBytes, entry.infohash);
    assert.ok(verified.ok, `${entry.name}: ${JSON.stringify(verified)}`);
    assert.equal(verified.metadata.name, entry.name);
    assert.equal(verified.metadata.sizeBytes, entry.sizeBytes);
    assert.equal(verified.metadata.pieceCount, entry.pieceCount);
    assert.deepEqual(verified.metadata.files, entry.files);
  }
});

test('the fixed set: model-like torrents with lineages, and look-alikes', () => {
  const byKey = Object.fromEntries(FIXED_CATALOGUE_KEYS.map((key) => [key, fixed(key)]));
  assert.deepEqual(
    Object.fromEntries(Object.entries(byKey).map(([key, entry]) => [key, [entry.name, entry.kind, entry.lineage ?? null]])),
    {
      'llama-documentary': ['Llama.Documentary.2019.1080p.mkv', 'ordinary', null],
      'mistral-7b-safetensors': ['Mistral-7B-v0.1', 'model', 'mistral-7b'],
      'llama-2-13b-chat-gguf': ['llama-2-13b-chat.Q4_K_M.gguf', 'model', 'llama-2'],
      'llama-original': ['LLaMA', 'model', 'llama-1'],
      'llama-repack': ['llama-weights-7b-13b', 'model', 'llama-1'],
      'qwen2-gguf': ['qwen2-7b-instruct-q4_k_m.gguf', 'model', 'qwen2'],
    },
  );
  assert.ok(byKey['llama-documentary']!.sizeBytes > 2e9);
  assert.ok(byKey['mistral-7b-safetensors']!.files.some((file) => file.path === 'Mistral-7B-v0.1/model-00002-of-00002.safetensors'));
  assert.ok(byKey['llama-original']!.files.some((file) => file.path === 'LLaMA/13B/consolidated.01.pth'));
  assert.ok(byKey['llama-original']!.files.some((file) => file.path === 'LLaMA/7B/params.json'));
  // Real creators' piece lengths: 16 MiB for a multi-GB torrent, so a 13 GB one has ~800 pieces.
  assert.equal(byKey['mistral-7b-safetensors']!.pieceLengthBytes, 16 * 1024 * 1024);
  assert.ok(Object.values(byKey).every((entry) => entry.metadataServed && entry.metadataPeers.length === swarm.metadataPeers().length));
});

test('the re-pack shares the piece-aligned model files’ pieces with the original; the unrelated model shares nothing', () => {
  const original = layoutOf(fixed('llama-original'));
  const repack = layoutOf(fixed('llama-repack'));
  const qwen = layoutOf(fixed('qwen2-gguf'));
  assert.notEqual(fixed('llama-original').infohash, fixed('llama-repack').infohash);
  assert.equal(original.pieceLength, repack.pieceLength);
  const aligned = original.files.filter((file) => file.offset % original.pieceLength === 0 && file.length >= original.pieceLength);
  assert.ok(aligned.some((file) => file.path === '7B/consolidated.00.pth'), 'the first model file starts on a piece boundary');
  for (const file of aligned) {
    const inOriginal = fullPieceHashes(original, file.path);
    assert.ok(inOriginal.length > 700);
    assert.deepEqual(fullPieceHashes(repack, file.path), inOriginal, `${file.path}: same bytes at the same aligned offset, same hashes`);
  }
  // Name + length evidence as well: every original file is in the re-pack, which adds a README.
  const repackFiles = new Set(repack.files.map((file) => `${file.path}/${file.length}`));
  assert.ok(original.files.every((file) => repackFiles.has(`${file.path}/${file.length}`)));
  assert.ok(repack.files.some((file) => file.path === 'README.md'));
  const llamaPieces = new Set([...original.pieces, ...repack.pieces]);
  assert.ok(qwen.pieces.every((piece) => !llamaPieces.has(piece)), 'the unrelated model shares no piece with LLaMA');
  const originalFiles = new Set(original.files.map((file) => `${file.path.split('/').pop()}/${file.length}`));
  assert.ok(qwen.files.every((file) => !originalFiles.has(`${file.path.split('/').pop()}/${file.length}`)), 'nor any file name and length');
  // And no ordinary torrent shares a piece with any model.
  const modelPieces = new Set(entries.filter((entry) => entry.kind === 'model').flatMap((entry) => layoutOf(entry).pieces));
  for (const entry of entries.filter((candidate) => candidate.kind === 'ordinary').slice(0, 300)) assert.ok(layoutOf(entry).pieces.every((piece) => !modelPieces.has(piece)), entry.name);
});

test('catalogue torrents are held by their closest nodes, with the metadata peers among their values', async () => {
  const client = await SimKrpcClient.open();
  try {
    const llama = fixed('llama-original');
    const listeners = new Set(swarm.metadataPeers().map(addressKey));
    assert.equal(listeners.size, 3);
    assert.ok(swarm.metadataPeers().every((peer) => peer.host.startsWith('127.64.0.')), 'listeners have addresses of their own');
    const truth = new Set(swarm.peersOf(llama.infohash).map(addressKey));
    for (const listener of listeners) assert.ok(truth.has(listener), `${listener} is a peer of LLaMA in peersOf`);
    const holder = swarm.holdersOf(llama.infohash)[0]!;
    const reply = expectResponse(await client.query(holder, 'get_peers', { info_hash: Buffer.from(llama.infohash, 'hex') }));
    const values = new Set(readValues(reply.body).map((value) => addressKey(decodeCompactPeer(value)!)));
    for (const listener of listeners) assert.ok(values.has(listener), `${listener} in the values of a holder`);
    const sample = expectResponse(await client.query(holder, 'sample_infohashes', { target: Buffer.alloc(20) }));
    assert.ok((sample.body.num as number) > 20, 'a holder stores many catalogue torrents');
  } finally {
    await client.close();
  }
});

test('a metadata peer serves a verified info dictionary to the collector, and refuses an unknown infohash', async () => {
  const before = swarm.stats().metadataPeers;
  const llama = fixed('llama-original');
  const session = await openPeerSession(llama.metadataPeers[0]!, sessionOptions(llama.infohash));
  try {
    await session.waitUntil(() => session.extendedHandshakeSeen && session.pieces.known, performance.now() + 2000);
    assert.ok(session.pieces.known, 'have_none or a bitfield followed the handshake');
    const outcome = await fetchMetadata(session, { infohash: llama.infohash, maxBytes: 1_000_000, timeoutMs: 3000 });
    assert.ok(outcome.ok, JSON.stringify(outcome));
    assert.equal(outcome.metadata.name, 'LLaMA');
    assert.deepEqual(outcome.metadata.files, llama.files);
    assert.ok(outcome.metadata.infoBytes.equals(llama.infoBytes));
  } finally {
    session.close();
  }
  const ordinary = entries.find((entry) => !entry.fixed && entry.metadataServed)!;
  const other = swarm.metadataPeers().find((peer) => !ordinary.metadataPeers.some((served) => addressKey(served) === addressKey(peer)))!;
  const served = await openPeerSession(ordinary.metadataPeers[0]!, sessionOptions(ordinary.infohash));
  try {
    await served.waitUntil(() => served.extendedHandshakeSeen, performance.now() + 2000);
    const outcome = await fetchMetadata(served, { infohash: ordinary.infohash, maxBytes: 1_000_000, timeoutMs: 3000 });
    assert.ok(outcome.ok && outcome.metadata.name === ordinary.name, JSON.stringify(outcome));
  } finally {
    served.close();
  }
  const unknown = 'ab'.repeat(20);
  for (const [peer, infohash] of [[llama.metadataPeers[0]!, unknown], [other, ordinary.infohash]] as const) {
    await assert.rejects(openPeerSession(peer, sessionOptions(infohash)), (error: unknown) => error instanceof PeerWireFailure);
  }
  const stats = swarm.stats().metadataPeers;
  assert.equal(stats.handshakes - before.handshakes, 2);
  assert.equal(stats.refused - before.refused, 2);
  assert.ok(stats.metadataRequests > before.metadataRequests);
  assert.equal(stats.payloadRequests, 0);
});

/** Opens a TCP connection to `peer`, writes `bytes`, and closes it a moment later. */
function sendAndClose(peer: { host: string; port: number }, bytes: Buffer): Promise<void> {
  return new Promise((resolve) => {
    const socket = net.connect(peer.port, peer.host, () => {
      socket.write(bytes);
      setTimeout(() => {
        socket.destroy();
        resolve();
      }, 100);
    });
    socket.on('error', () => resolve());
  });
}

test('a metadata peer survives garbage and malformed ut_metadata messages, and still serves', async () => {
  const llama = fixed('llama-original');
  const peer = llama.metadataPeers[0]!;
  // BEP 3 handshake (extension bit, fast bit), a BEP 10 handshake, then extended messages to id 1 (its ut_metadata).
  const handshake = Buffer.concat([Buffer.from([19]), Buffer.from('BitTorrent protocol'), Buffer.from([0, 0, 0, 0, 0, 0x10, 0, 0x04]), Buffer.from(llama.infohash, 'hex'), Buffer.alloc(20, 1)]);
  const extended = (id: number, payload: string): Buffer => {
    const header = Buffer.alloc(6);
    header.writeUInt32BE(payload.length + 2);
    header[4] = 20;
    header[5] = id;
    return Buffer.concat([header, Buffer.from(payload, 'latin1')]);
  };
  for (let round = 0; round < 20; round++) await sendAndClose(peer, createHash('sha256').update(String(round)).digest());
  for (const payload of ['le', 'i5e', 'de', 'garbage', 'd8:msg_typei0e5:piecei99999ee', 'd8:msg_typei0e5:piece3:abce', 'd8:msg_typei1e5:piecei0eexxxx']) {
    await sendAndClose(peer, Buffer.concat([handshake, extended(0, 'd1:md11:ut_metadatai3eee'), extended(1, payload)]));
  }
  const session = await openPeerSession(peer, sessionOptions(llama.infohash));
  try {
    await session.waitUntil(() => session.extendedHandshakeSeen, performance.now() + 2000);
    const outcome = await fetchMetadata(session, { infohash: llama.infohash, maxBytes: 1_000_000, timeoutMs: 3000 });
    assert.ok(outcome.ok, JSON.stringify(outcome));
  } finally {
    session.close();
  }
});

test('the same seed gives the same catalogue; ordinary torrent i does not depend on the catalogue size', async () => {
  const small = await startSimSwarm({ nodes: 10, torrents: 0, seed: 'catalogue', bindHostBase: '127.36', catalogue: { torrents: 40, metadataShare: 0, metadataHostBase: '127.65' } });
  try {
    const smallEntries = small.catalogue();
    assert.deepEqual(smallEntries.map((entry) => entry.infohash), entries.slice(0, smallEntries.length).map((entry) => entry.infohash));
    assert.ok(smallEntries.every((entry) => entry.metadataServed === Boolean(entry.fixed)), 'metadataShare 0: only the fixed set is served');
    assert.throws(() => small.setPeerCount(smallEntries[0]!.infohash, 5), (error: unknown) => error instanceof SwarmscopeError && error.code === 'invalid_config');
  } finally {
    await small.close();
  }
});

test('swarm.close() closes the metadata peers; no catalogue without the option', async () => {
  const short = await startSimSwarm({ nodes: 5, torrents: 1, seed: 'catalogue-close', bindHostBase: '127.37', catalogue: { torrents: 2, metadataPeers: 1, metadataHostBase: '127.66' } });
  const [listener] = short.metadataPeers();
  await short.close();
  const refused = await new Promise<boolean>((resolve) => {
    const socket = net.connect(listener!.port, listener!.host);
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
  assert.ok(refused, 'nothing listens any more');
  const plain = await startSimSwarm({ nodes: 5, torrents: 1, seed: 'no-catalogue', bindHostBase: '127.38' });
  assert.deepEqual(plain.catalogue(), []);
  assert.deepEqual(plain.metadataPeers(), []);
  await plain.close();
});

test('bad catalogue options are refused with invalid_config', async () => {
  const bad: [SimSwarmOptions, RegExp][] = [
    [{ catalogue: { torrents: -1 } }, /catalogue\.torrents must be an integer/],
    [{ catalogue: { torrents: 1.5 } }, /catalogue\.torrents/],
    [{ catalogue: { torrents: 10, metadataShare: 2 } }, /catalogue\.metadataShare must be a number in \[0, 1\]/],
    [{ catalogue: { torrents: 10, metadataPeers: 0 } }, /catalogue\.metadataPeers/],
    [{ catalogue: { torrents: 10, metadataHostBase: '10.1' } }, /catalogue\.metadataHostBase must be two octets inside 127/],
    [{ bindHostBase: '127.64', catalogue: { torrents: 10 } }, /must differ from bindHostBase/],
    [{ catalogue: 'many' as never }, /catalogue must be an object/],
  ];
  for (const [options, message] of bad) {
    await assert.rejects(startSimSwarm({ nodes: 2, ...options }), (error: unknown) => error instanceof SwarmscopeError && error.code === 'invalid_config' && message.test(error.message), JSON.stringify(options));
  }
});
