/** The persisted discovery queue and the discoveries repository, over a real SQLite file. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openSqliteStore } from '../../store/sqlite/open-sqlite-store.ts';
import { createDiscoveriesRepo, summarizeFiles, type Discovery } from '../../store/state/discoveries-repo.ts';
import { CANDIDATE_LEASE_MS, DiscoveryQueue } from '../../store/state/discovery-queue.ts';
import { temporaryFolder } from '../helpers/temporary-folder.ts';

const hex = (n: number): string => n.toString(16).padStart(40, '0');
const T0 = Date.UTC(2026, 0, 1);

describe('discovery queue', () => {
  it('deduplicates, survives a reopen, and drops the oldest when full (counted)', async () => {
    const path = join(temporaryFolder('swarmscope-queue-'), 'state.db');
    let store = openSqliteStore(path);
    let queue = new DiscoveryQueue(store.db, { maxQueued: 3 });
    assert.deepEqual(queue.offer([hex(1), hex(2)], 'sample', T0), [hex(1), hex(2)]);
    assert.deepEqual(queue.offer([hex(2), hex(1).toUpperCase()], 'passive', T0 + 1), [], 'already queued, whatever the case');
    await store.close();

    store = openSqliteStore(path);
    queue = new DiscoveryQueue(store.db, { maxQueued: 3 });
    assert.equal(queue.counts().queued, 2, 'the queue is on disk');
    queue.offer([hex(3), hex(4), hex(5)], 'sample', T0 + 2);
    const counts = queue.counts();
    assert.equal(counts.queued, 3);
    assert.equal(counts.droppedOldest, 2);
    assert.equal(queue.statusOf(hex(1)), undefined, 'the oldest went first');
    assert.equal(queue.statusOf(hex(5)), 'queued');
    await store.close();
  });

  it('skips what the caller already knows and refuses a malformed infohash without queueing anything', () => {
    const store = openSqliteStore(':memory:');
    const queue = new DiscoveryQueue(store.db, { maxQueued: 10 });
    assert.deepEqual(queue.offer([hex(1), hex(2)], 'sample', T0, (infohash) => infohash === hex(1)), [hex(2)]);
    assert.throws(() => queue.offer([hex(3), 'not-an-infohash'], 'sample', T0), /infohash/);
    assert.equal(queue.statusOf(hex(3)), undefined, 'the batch is one transaction');
  });

  it('leases what it hands out, retries with a reason, then gives up and counts why', () => {
    const store = openSqliteStore(':memory:');
    const queue = new DiscoveryQueue(store.db, { maxQueued: 10 });
    queue.offer([hex(1)], 'passive', T0);
    const [first] = queue.take(T0, 5);
    assert.equal(first?.attempts, 1);
    assert.equal(first?.foundBy, 'passive');
    assert.deepEqual(queue.take(T0 + CANDIDATE_LEASE_MS - 1, 5), [], 'leased: not handed out twice');
    queue.failed(hex(1), 'no-peers', { giveUp: false, retryAtMs: T0 + 1000, nowMs: T0 });
    assert.deepEqual(queue.take(T0 + 999, 5), []);
    const [second] = queue.take(T0 + 1000, 5);
    assert.equal(second?.attempts, 2);
    queue.failed(hex(1), 'no-metadata: connect-refused', { giveUp: true, retryAtMs: 0, nowMs: T0 + 2000 });
    assert.equal(queue.statusOf(hex(1)), 'dropped');
    assert.deepEqual(queue.counts().dropReasons, { 'no-metadata: connect-refused': 1 });
    assert.deepEqual(queue.offer([hex(1)], 'sample', T0 + 3000), [], 'a dropped candidate is remembered, not fetched again');
  });

  it('forgets the oldest judged candidates past its memory bound', () => {
    const store = openSqliteStore(':memory:');
    const queue = new DiscoveryQueue(store.db, { maxQueued: 10, maxRemembered: 2 });
    queue.offer([hex(1), hex(2), hex(3)], 'sample', T0);
    queue.judged(hex(1), 'rejected', 'score 0.1 below 0.3', T0 + 1);
    queue.judged(hex(2), 'rejected', 'score 0.1 below 0.3', T0 + 2);
    queue.judged(hex(3), 'rejected', 'score 0.1 below 0.3', T0 + 3);
    assert.equal(queue.statusOf(hex(1)), undefined);
    assert.equal(queue.statusOf(hex(3)), 'rejected');
    assert.equal(queue.counts().rejected, 2);
  });
});

describe('discoveries repository', () => {
  const discovery = (n: number, score: number, firstSeenAtMs: number): Discovery => ({
    infohash: hex(n),
    name: `model ${n}`,
    size: 1e9 * n,
    score,
    reasons: ['3 *.safetensors files (+0.5)'],
    foundBy: 'sample',
    firstSeenAtMs,
    discoveredAtMs: firstSeenAtMs + 10,
    files: summarizeFiles([{ path: 'm/model-00001-of-00002.safetensors', length: 5e9 }, { path: 'm/config.json', length: 700 }, { path: 'm/README', length: 10 }]),
    modelFamily: 'llama',
    quantisation: null,
    suggestedFamily: n === 1 ? { id: 'fam_x', name: 'LLaMA 1', evidence: [{ kind: 'same-file', file: 'a' }] } : null,
    watchedAtMs: null,
  });

  it('lists by score, filters by score and first-seen time, and round-trips every field', () => {
    const store = openSqliteStore(':memory:');
    const repo = createDiscoveriesRepo(store.db);
    repo.save(discovery(1, 0.9, T0));
    repo.save(discovery(2, 0.4, T0 + 1000));
    repo.save(discovery(3, 0.7, T0 + 2000));
    repo.save({ ...discovery(3, 0.1, T0) }); // the first verdict stands
    assert.deepEqual(repo.list().discoveries.map((d) => d.infohash), [hex(1), hex(3), hex(2)]);
    assert.equal(repo.list({ minScore: 0.5 }).total, 2);
    assert.deepEqual(repo.list({ sinceMs: T0 + 1000 }).discoveries.map((d) => d.infohash), [hex(3), hex(2)]);
    assert.deepEqual(repo.get(hex(1)), discovery(1, 0.9, T0));
    assert.deepEqual(repo.get(hex(1))?.files.extensions, { safetensors: 1, json: 1, '': 1 });
    repo.markWatched(hex(2), T0 + 5);
    assert.equal(repo.get(hex(2))?.watchedAtMs, T0 + 5);
  });
});
