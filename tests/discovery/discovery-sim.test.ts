/**
 * Discovery end to end on the loopback sim (issue 11): BEP 51 sampling of every node, metadata
 * fetched from the sim's metadata peers over BEP 9 and verified, the shipped classifier, stored
 * discoveries, `discovery.new` facts, a family suggested for the LLaMA re-pack; and the crawler's
 * budget, counted datagram by datagram as they leave its socket.
 */
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { test, type TestContext } from 'node:test';
import { familySuggester } from '../../collector/discovery/family-suggester.ts';
import { openDiscovery } from '../../collector/discovery/open-discovery.ts';
import { KrpcSocket } from '../../collector/dht/krpc-socket.ts';
import { loadConfig, type SwarmscopeConfig } from '../../core/config.ts';
import { createLogger } from '../../core/logger.ts';
import { startSimSwarm, type SimSwarm } from '../../sim/index.ts';
import { openSqliteStore } from '../../store/sqlite/open-sqlite-store.ts';
import { createDiscoveriesRepo } from '../../store/state/discoveries-repo.ts';
import { createFamiliesRepo } from '../../store/state/families-repo.ts';

function discoveryConfig(swarm: SimSwarm, overrides: Partial<SwarmscopeConfig> = {}): SwarmscopeConfig {
  return loadConfig({
    env: {},
    flags: {
      bootstrap: swarm.bootstrap,
      dhtBindHost: '127.0.0.1',
      allowPrivateAddresses: true,
      dhtLoopbackOnly: true,
      probeTargets: 'loopback',
      bootstrapTimeoutMs: 5_000,
      dhtQueryTimeoutMs: 1_000,
      probeConnectTimeoutMs: 1_000,
      probeHandshakeTimeoutMs: 2_000,
      probeMetadataTimeoutMs: 3_000,
      discoveryMetadataConcurrency: 16,
      ...overrides,
    },
  });
}

async function openSimDiscovery(t: TestContext, swarm: SimSwarm, overrides: Partial<SwarmscopeConfig> = {}, prepare?: (store: ReturnType<typeof openSqliteStore>) => void) {
  const store = openSqliteStore(':memory:');
  prepare?.(store);
  const service = await openDiscovery(discoveryConfig(swarm, overrides), {
    stateDb: store.db,
    registry: store.registry,
    log: createLogger('silent'),
    metadataRetryMs: 200,
    suggestFamily: familySuggester(store.db, store.registry),
  });
  t.after(async () => {
    await service.stop();
    await store.close();
  });
  return { store, service };
}

test('one pass over a 1,000-node sim finds and classifies every model-like torrent among hundreds of ordinary ones, with no false positive', { timeout: 240_000 }, async (t) => {
  // 1,000 nodes for ~600 torrents on 8 holders each: ~5 infohashes a node, so one BEP 51 sample
  // (at most 20) holds all of a node's store and one pass can see every torrent.
  const swarm = await startSimSwarm({ nodes: 1000, torrents: 0, seed: 51, catalogue: { torrents: 600, metadataShare: 0.5 } });
  t.after(() => swarm.close());
  const truth = swarm.catalogue();
  const original = truth.find((entry) => entry.fixed === 'llama-original')!;
  let familyId = '';
  // The watched LLaMA leak, in a family: its re-pack must be suggested for it, with the shared files.
  const { store, service } = await openSimDiscovery(t, swarm, { discoveryRate: 300 }, (opened) => {
    opened.registry.add({ infohash: original.infohash, label: 'LLaMA', name: original.name, files: original.files, infoDictionary: original.infoBytes });
    familyId = createFamiliesRepo(opened.db).create({ name: 'LLaMA 1 (March 2023 leak)' }).id;
    createFamiliesRepo(opened.db).attach(familyId, 'torrent', original.infohash);
  });
  await service.bootstrap();
  const report = await service.runOnce({ deadlineMs: performance.now() + 200_000 });

  const kept = new Map(createDiscoveriesRepo(store.db).list({ limit: 10_000 }).discoveries.map((discovery) => [discovery.infohash, discovery]));
  const models = truth.filter((entry) => entry.kind === 'model' && entry !== original);
  assert.ok(models.length >= 4, 'the catalogue has its model-like torrents');
  for (const model of models) {
    const found = kept.get(model.infohash);
    assert.ok(found, `model-like "${model.name}" was not discovered (queue: ${JSON.stringify(report.queue)})`);
    assert.ok(found.score >= 0.5, `"${model.name}" scored ${found.score}: ${found.reasons.join('; ')}`);
    assert.ok(found.reasons.length > 0);
  }
  const falsePositives = truth.filter((entry) => entry.kind === 'ordinary' && kept.has(entry.infohash));
  assert.deepEqual(falsePositives.map((entry) => `${entry.name} (${kept.get(entry.infohash)!.reasons.join('; ')})`), []);
  const documentary = truth.find((entry) => entry.fixed === 'llama-documentary');
  assert.ok(documentary?.metadataServed && !kept.has(documentary.infohash), 'the llama documentary was judged and not kept');

  const repack = kept.get(truth.find((entry) => entry.fixed === 'llama-repack')!.infohash)!;
  assert.equal(repack.suggestedFamily?.id, familyId);
  const evidence = repack.suggestedFamily!.evidence as { kind: string; file: string; memberInfohash: string }[];
  assert.ok(evidence.some((item) => item.kind === 'same-pieces' && item.file.endsWith('7B/consolidated.00.pth') && item.memberInfohash === original.infohash), JSON.stringify(evidence));
  for (const fixed of ['qwen2-gguf', 'mistral-7b-safetensors', 'llama-2-13b-chat-gguf'] as const) {
    assert.equal(kept.get(truth.find((entry) => entry.fixed === fixed)!.infohash)!.suggestedFamily, null, `${fixed} is not LLaMA 1`);
  }

  // Every served torrent but the watched one was judged: kept or rejected, none lost in the queue.
  const served = truth.filter((entry) => entry.metadataServed && entry !== original).length;
  assert.equal(report.queue.queued, 0);
  assert.equal(report.queue.discovered + report.queue.rejected, served, JSON.stringify(report.queue));
  // Unserved candidates were dropped with a reason after their attempts.
  assert.equal(report.queue.dropped, truth.length - 1 - served);
  assert.ok(Object.keys(report.queue.dropReasons).every((reason) => /^(no-peers|no-metadata|lookup-failed)/.test(reason)), JSON.stringify(report.queue.dropReasons));
  // A discovery.new fact per kept discovery, for the alert rules.
  const facts = store.db.prepare(`SELECT count(*) FROM domain_events WHERE type = 'discovery.new'`).pluck().get() as number;
  assert.equal(facts, kept.size);
  assert.ok(report.crawl.samples > 0 && report.frontier.sampled >= 900, `sampled ${report.frontier.sampled} of 1,000 nodes`);
});

test('the crawler never sends more queries per second than its budget', { timeout: 60_000 }, async (t) => {
  const swarm = await startSimSwarm({ nodes: 400, torrents: 0, seed: 7, catalogue: { torrents: 50, metadataShare: 1 } });
  t.after(() => swarm.close());
  const ratePerSecond = 25;
  const { service } = await openSimDiscovery(t, swarm, { discoveryRate: ratePerSecond });
  const { port } = service.socket.address;
  // Every query datagram that leaves the crawler's socket, timestamped where it leaves.
  const sentAtMs: number[] = [];
  const originalSend = dgram.Socket.prototype.send;
  t.after(() => {
    dgram.Socket.prototype.send = originalSend;
  });
  dgram.Socket.prototype.send = function patchedSend(this: dgram.Socket, ...args: unknown[]) {
    const datagram = args[0];
    if (Buffer.isBuffer(datagram) && this.address().port === port && datagram.includes('1:y1:q')) sentAtMs.push(performance.now());
    return (originalSend as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof dgram.Socket.prototype.send;
  await service.bootstrap();
  await service.runOnce({ deadlineMs: performance.now() + 8_000 });
  assert.ok(sentAtMs.length >= ratePerSecond * 4, `only ${sentAtMs.length} queries: the test did not load the budget`);
  let busiest = 0;
  for (let start = 0; start < sentAtMs.length; start++) {
    let end = start;
    while (end < sentAtMs.length && sentAtMs[end]! < sentAtMs[start]! + 1000) end++;
    busiest = Math.max(busiest, end - start);
  }
  assert.ok(busiest <= ratePerSecond, `${busiest} queries within one second, budget ${ratePerSecond}/s`);
});

test('passively: an infohash another node asks our node about is fetched, judged and kept as found by "passive"; a forged announce records nothing', { timeout: 60_000 }, async (t) => {
  // No node hands out samples: whatever is found was asked of our node.
  const swarm = await startSimSwarm({ nodes: 200, torrents: 0, seed: 12, maxSamplesPerReply: 0, catalogue: { torrents: 10, metadataShare: 0 } });
  t.after(() => swarm.close());
  const { store, service } = await openSimDiscovery(t, swarm, { discoveryRate: 200, autoWatchScore: 0.8 });
  await service.bootstrap();
  const truth = swarm.catalogue();
  const qwen = truth.find((entry) => entry.fixed === 'qwen2-gguf')!;
  const mistral = truth.find((entry) => entry.fixed === 'mistral-7b-safetensors')!;
  const asker = await KrpcSocket.open({ bindHost: '127.0.0.1', loopbackOnly: true });
  t.after(() => asker.close());
  const target = service.socket.address;
  const answer = await asker.query({ host: '127.0.0.1', port: target.port }, 'get_peers', { info_hash: Buffer.from(qwen.infohash, 'hex') });
  assert.ok(Buffer.isBuffer(answer.body.token), 'our node answers get_peers with a token, as BEP 5 asks');
  await assert.rejects(asker.query({ host: '127.0.0.1', port: target.port }, 'announce_peer', { info_hash: Buffer.from(mistral.infohash, 'hex'), port: 6881, token: Buffer.alloc(8) }), /invalid token/);
  const report = await service.runOnce({ deadlineMs: performance.now() + 40_000 });
  const kept = createDiscoveriesRepo(store.db).list().discoveries;
  assert.deepEqual(kept.map((discovery) => [discovery.name, discovery.foundBy]), [[qwen.name, 'passive']]);
  assert.equal(report.passive?.getPeers, 1);
  assert.equal(report.passive?.badTokens, 1);
  assert.equal(report.crawl.samples, 0);
  // Auto-watch: it scored over 0.8, so it is on the watchlist now, with its metadata and where it came from.
  const watched = store.registry.get(qwen.infohash);
  assert.equal(watched?.name, qwen.name);
  assert.match(watched?.source ?? '', /^discovery \(passive, score 0\.\d+\)$/);
  assert.deepEqual(watched?.files, qwen.files);
  assert.ok(kept[0]!.watchedAtMs !== null);
  const fact = store.db.prepare(`SELECT data FROM domain_events WHERE type = 'discovery.new'`).pluck().get() as string;
  assert.equal(JSON.parse(fact).autoWatched, true);
});
