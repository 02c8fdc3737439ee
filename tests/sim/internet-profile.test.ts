/**
 * The Internet profile's mechanics (issue 12, sim/internet-profile.ts), each against the number it
 * takes from a real implementation: libtorrent's 500-peer cap per node with each holder keeping its
 * own subset, its storage policy once full, its upload budget, its DoS blocker, jech/dht's 50-value
 * slices, dead contacts, churn and the log-normal RTT.
 */
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { AnnouncedPeers } from '../../sim/announced-peers.ts';
import { Churn } from '../../sim/churn.ts';
import { DosBlocker } from '../../sim/dos-blocker.ts';
import { startSimSwarm } from '../../sim/index.ts';
import { INTERNET_KNOBS, logNormalOf } from '../../sim/internet-profile.ts';
import { NetworkConditions } from '../../sim/network-conditions.ts';
import { assignNodeKinds } from '../../sim/node-kinds.ts';
import { SeededRandom } from '../../sim/prng.ts';
import { UploadQuota } from '../../sim/upload-quota.ts';
import { SimKrpcClient, expectResponse } from '../helpers/sim-krpc-client.ts';

/** The profile with every knob off but the ones a test looks at. */
const QUIET = { deadShare: 0, churnPerMinute: 0, rttMedianMs: 0, rttP95Ms: 0, lossRate: 0, uploadBytesPerSec: 0, blockRatePerSec: 0, storeNothingShare: 0, nodesOnlyShare: 0, slice50Share: 0 };
/** A swarm of one torrent and a client, both closed when the test ends; the torrent's first holder. */
async function oneTorrent(t: TestContext, options: Parameters<typeof startSimSwarm>[0]) {
  const swarm = await startSimSwarm({ profile: 'internet', ...options });
  const client = await SimKrpcClient.open();
  t.after(async () => {
    await client.close();
    await swarm.close();
  });
  const { infohash } = swarm.torrents[0]!;
  return { swarm, client, infohash, holder: swarm.holdersOf(infohash)[0]! };
}

const peer = (index: number) => Buffer.from([10, 0, index >> 8, index & 255, 0x1a, 0xe1]);

describe('Internet profile: mechanics in isolation', () => {
  it('DoS blocker (libtorrent dos_blocker.cpp): 50 packets within 10 s of the first block the IP for 5 minutes, once', () => {
    const blocks: string[] = [];
    const blocker = new DosBlocker(5, 300_000, ({ ip }) => blocks.push(ip));
    let answered = 0;
    for (let packet = 0; packet < 60; packet++) if (blocker.incoming('198.51.100.7', packet * 100)) answered++;
    assert.equal(answered, 49, 'the 50th packet within the window triggers the block');
    assert.deepEqual(blocks, ['198.51.100.7']);
    assert.equal(blocker.incoming('198.51.100.7', 200_000), false, 'still blocked 3 minutes later');
    assert.equal(blocker.incoming('198.51.100.8', 200_000), true, 'other IPs are not');
    assert.equal(blocker.incoming('198.51.100.7', 6_000 + 300_001), true, 'free again after the block');
    // 40 per 10 s, swarmscope's default politeness, sustained for ten minutes: never blocked.
    const polite = new DosBlocker(5, 300_000, ({ ip }) => blocks.push(ip));
    for (let packet = 0; packet < 2400; packet++) assert.ok(polite.incoming('198.51.100.9', packet * 250));
    assert.equal(blocks.length, 1);
  });

  it('upload budget (libtorrent dht_tracker.cpp has_quota): one second of burst at first, refilled at 8,000 B/s, at most three seconds saved', () => {
    const quota = new UploadQuota(8000, 0);
    let answered = 0;
    while (quota.hasQuota(0)) {
      quota.spend(1000);
      answered++;
    }
    assert.equal(answered, 8, '8,000 bytes of 1,000-byte replies');
    assert.equal(quota.hasQuota(500), true, 'half a second later: 4,000 bytes more');
    const idle = new UploadQuota(8000, 0);
    assert.ok(idle.hasQuota(60_000));
    let afterIdle = 0;
    while (idle.hasQuota(60_000)) {
      idle.spend(1000);
      afterIdle++;
    }
    assert.equal(afterIdle, 24, 'a minute idle saves three seconds, not sixty');
  });

  it('storage full: drop-new keeps the first peers (libtorrent 2.0), replace-random takes newcomers, drop-oldest keeps the newest', () => {
    const random = new SeededRandom('policies', 'x');
    const fill = (policy: 'drop-new' | 'replace-random' | 'drop-oldest') => {
      const store = new AnnouncedPeers();
      for (let index = 0; index < 30; index++) store.add('a'.repeat(40), peer(index), false, 0, { capacity: 10, policy, random });
      return store.list('a'.repeat(40), 0).map((entry) => entry.compact[3]!);
    };
    assert.deepEqual(fill('drop-new'), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.deepEqual(fill('drop-oldest'), [20, 21, 22, 23, 24, 25, 26, 27, 28, 29]);
    const replaced = fill('replace-random');
    assert.equal(replaced.length, 10);
    assert.ok(replaced.some((index) => index < 10) || replaced.some((index) => index >= 10));
    assert.ok(replaced.includes(29), 'the last announce is always stored');
    assert.ok(replaced.filter((index) => index >= 10).length >= 5, `random replacement mixes newcomers in: ${replaced.join(',')}`);
  });

  it('log-normal RTT through the median and the 95th percentile', () => {
    const conditions = new NetworkConditions(0, 0, 0, new SeededRandom('rtt', 'x'), logNormalOf(150, 800));
    const delays = Array.from({ length: 4000 }, () => conditions.replyDelayMs()).sort((a, b) => a - b);
    const median = delays[2000]!;
    const p95 = delays[3800]!;
    assert.ok(median > 135 && median < 165, `median ${median.toFixed(0)} ms`);
    assert.ok(p95 > 680 && p95 < 940, `p95 ${p95.toFixed(0)} ms`);
    conditions.close();
  });

  it('dead share and churn: about 40% dead, churn moves nodes both ways and keeps the share', () => {
    const kinds = assignNodeKinds(2000, 4, () => false, INTERNET_KNOBS, new SeededRandom('kinds', 'x'));
    const deadCount = () => kinds.dead.reduce((sum, flag) => sum + flag, 0);
    const before = deadCount();
    assert.ok(before > 720 && before < 880, `${before} of 2,000 dead`);
    assert.equal(kinds.dead[0], 0, 'bootstrap nodes stay alive');
    const stats = { left: 0, joined: 0 };
    const churn = new Churn(kinds, 0.1, new SeededRandom('churn', 'x'), stats);
    for (let second = 0; second < 60; second++) churn.tick();
    const aliveBefore = 2000 - 4 - before;
    assert.ok(Math.abs(stats.left - aliveBefore * 0.1) <= 2, `${stats.left} left in a minute of ${aliveBefore} alive`);
    assert.equal(stats.joined, stats.left);
    assert.equal(deadCount(), before, 'as many joined as left');
    const slice = kinds.kinds.filter((kind) => kind === 'slice50').length;
    assert.ok(slice > 220 && slice < 380, `${slice} jech/dht nodes`);
  });
});

describe('Internet profile: nodes on loopback', () => {
  it('a holder of a 3,000-peer swarm stores its own 500, answers at most 100 of them, and the ground truth is the union of the holders', async (t) => {
    const { swarm, client, infohash } = await oneTorrent(t, { nodes: 60, seed: 'cap', internet: QUIET, torrentSpecs: [{ peers: 3000 }] });
    const perHolder: Set<string>[] = [];
    for (const holder of swarm.holdersOf(infohash)) {
      const seen = new Set<string>();
      for (let query = 0; query < 60; query++) {
        const values = expectResponse(await client.query(holder, 'get_peers', { info_hash: Buffer.from(infohash, 'hex') })).body.values as Buffer[];
        assert.ok(values.length <= 100);
        for (const value of values) seen.add(value.toString('hex'));
      }
      assert.equal(seen.size, 500, 'the cap, and all of it reachable');
      perHolder.push(seen);
    }
    const union = new Set(perHolder.flatMap((seen) => [...seen]));
    assert.ok(union.size > 500 && union.size < 3000, `holders store different subsets: ${union.size} distinct`);
    const stored = swarm.storedPeersOf(infohash);
    assert.equal(stored.length, union.size, 'storedPeersOf is what the holders store');
    assert.equal(swarm.peersOf(infohash).length, 3000, 'peersOf stays the whole swarm');
  });

  it('a burst from one IP gets it blocked (and logged); another IP is still answered', async (t) => {
    const blocked: string[] = [];
    const swarm = await startSimSwarm({ nodes: 10, torrents: 0, seed: 'block', profile: 'internet', internet: { ...QUIET, blockRatePerSec: 5 }, onBlock: ({ ip }) => blocked.push(ip) });
    const burst = await SimKrpcClient.open('127.0.0.1');
    const other = await SimKrpcClient.open('127.0.0.2');
    t.after(async () => {
      await burst.close();
      await other.close();
      await swarm.close();
    });
    const node = swarm.nodes()[5]!;
    const replies = await Promise.all(Array.from({ length: 60 }, () => burst.query(node, 'ping', {}, { timeoutMs: 1000 })));
    assert.equal(replies.filter(Boolean).length, 49);
    assert.equal(swarm.stats().profile.blocks, 1);
    assert.deepEqual(blocked, ['127.0.0.1']);
    assert.equal(swarm.stats().profile.blockLog[0]!.ip, '127.0.0.1');
    expectResponse(await other.query(node, 'ping', {}));
    assert.equal(await burst.query(node, 'ping', {}, { timeoutMs: 300 }), undefined, 'still blocked');
  });

  it('the upload budget: a node answers about a second of bytes at once, and drops the rest', async (t) => {
    const { swarm, client, infohash, holder } = await oneTorrent(t, { nodes: 30, seed: 'quota', internet: { ...QUIET, uploadBytesPerSec: 8000 }, torrentSpecs: [{ peers: 2000 }] });
    const received = await client.collect(() => Promise.all(Array.from({ length: 40 }, () => client.query(holder, 'get_peers', { info_hash: Buffer.from(infohash, 'hex') }, { timeoutMs: 1000 }))), 0);
    const sizes = received.filter((reply) => reply.from.port === holder.port).map((reply) => reply.datagram.length);
    const answered = sizes.length;
    // Replies of 100 values are about 850 bytes: the first second's 8,000 bytes (plus what refills
    // while the burst arrives) answer ten or so, the last one taking the quota below zero.
    const bytesBeforeLast = sizes.slice(0, -1).reduce((sum, size) => sum + size, 0);
    assert.ok(bytesBeforeLast < 8000 + 800 && bytesBeforeLast + sizes.at(-1)! >= 8000, `${answered} answered, ${sizes.join('+')} bytes`);
    assert.equal(swarm.stats().profile.quotaDropped, 40 - answered);
  });

  it('jech/dht nodes answer at most 50 consecutive values and ignore BEP 33; nodes-only ones answer like find_node; dead ones never', async (t) => {
    const { client, infohash, holder } = await oneTorrent(t, { nodes: 40, seed: 'kinds', internet: { ...QUIET, slice50Share: 1 }, torrentSpecs: [{ peers: 400 }] });
    const scrape = expectResponse(await client.query(holder, 'get_peers', { info_hash: Buffer.from(infohash, 'hex'), scrape: 1 })).body;
    assert.equal(scrape.BFsd, undefined, 'no BEP 33 filters');
    assert.equal((scrape.values as Buffer[]).length, 50);

    const mixed = await startSimSwarm({ nodes: 200, seed: 'mixed', profile: 'internet', internet: { ...QUIET, deadShare: 0.4, nodesOnlyShare: 0.5 }, torrentSpecs: [{ peers: 50 }] });
    t.after(() => mixed.close());
    const target = Buffer.from(mixed.torrents[0]!.infohash, 'hex');
    const answers = await Promise.all(mixed.nodes().slice(4).map((node) => client.query(node, 'get_peers', { info_hash: target }, { timeoutMs: 500 })));
    const silent = answers.filter((answer) => answer === undefined).length;
    assert.ok(silent > 50 && silent < 105, `${silent} of 196 dead`);
    assert.equal(silent, mixed.stats().profile.deadDropped);
    const noToken = answers.filter((answer) => answer?.kind === 'response' && answer.body.token === undefined).length;
    assert.ok(noToken > 20, `${noToken} nodes-only answers without a token`);
    for (const holder of mixed.holdersOf(mixed.torrents[0]!.infohash)) {
      const reply = expectResponse(await client.query(holder, 'get_peers', { info_hash: target }));
      assert.ok(Array.isArray(reply.body.values), 'holders are alive and store');
    }
  });
});
