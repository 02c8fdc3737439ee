/** The disk spool: bounded, ordered, crash-safe, resumable (store/spool/). The store here is a stand-in that can be switched off. */
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { SwarmscopeError, isSwarmscopeError } from '../../core/errors.ts';
import { openSqliteStore } from '../../store/sqlite/open-sqlite-store.ts';
import { SpoolingSeriesStore, spoolDepthOf } from '../../store/spool/spooling-series-store.ts';
import { encodeRecord, decodeRecord } from '../../store/spool/spool-record.ts';
import type { SeriesStore, SwarmSample } from '../../store/types.ts';

const folder = mkdtempSync(join(tmpdir(), 'swarmscope-spool-'));
after(() => rmSync(folder, { recursive: true, force: true }));
let counter = 0;
const freshPath = (): string => join(folder, `spool-${++counter}`, 'series.spool');

const A = 'a'.repeat(40);
const T0 = Date.UTC(2026, 0, 1);
const sample = (i: number): SwarmSample => ({ infohash: A, atMs: T0 + i * 1000, values: { dht_peers: i } });

/** A SQLite store behind a switch: while `down`, every write fails the way an unreachable InfluxDB does. */
function switchableStore(): { store: SeriesStore; writes: SwarmSample[][]; set(down: boolean): void } {
  const inner = openSqliteStore(':memory:').series;
  let down = false;
  const writes: SwarmSample[][] = [];
  const store: SeriesStore = {
    kind: inner.kind,
    async writeSamples(samples) {
      if (down) throw new SwarmscopeError('store_unavailable', 'connect ECONNREFUSED');
      writes.push([...samples]);
      await inner.writeSamples(samples);
    },
    latestSamples: (infohashes) => inner.latestSamples(infohashes),
    querySeries: (query) => inner.querySeries(query),
    // The stand-in outlives each spooling store, as the server outlives a collector restart.
    close: async () => {},
  };
  return { store, writes, set: (value) => (down = value) };
}

/** A collector that spooled `samples` while the store was down, then stopped: leaves them in the spool at `path`. */
async function spoolThenStop(path: string, backend: ReturnType<typeof switchableStore>, samples: SwarmSample[]): Promise<void> {
  backend.set(true);
  const first = SpoolingSeriesStore.open(backend.store, { path, maxBytes: 1 << 20, ...quick });
  await first.writeSamples(samples);
  await first.close();
}

const allPoints = (store: SeriesStore) => store.querySeries({ infohash: A, metric: 'dht_peers', fromMs: T0, toMs: T0 + 86_400_000, stepMs: 0, agg: 'avg' });
const quick = { retryMinMs: 10, retryMaxMs: 50 };

describe('SpoolingSeriesStore', () => {
  it('writes straight through while the store is up, spools while it is down, and replays in order', async () => {
    const backend = switchableStore();
    const store = SpoolingSeriesStore.open(backend.store, { path: freshPath(), maxBytes: 1 << 20, ...quick });
    await store.writeSamples([sample(0)]);
    backend.set(true);
    await store.writeSamples([sample(1)]);
    await store.writeSamples([sample(2), sample(3)]);
    assert.deepEqual({ records: store.depth().records, spooled: store.depth().spooledSamples }, { records: 2, spooled: 3 });
    assert.ok(store.depth().bytes > 0);
    await new Promise((resolve) => setTimeout(resolve, 60));
    backend.set(false);
    await store.writeSamples([sample(4)]);
    await store.drained();
    assert.deepEqual(await allPoints(store), [0, 1, 2, 3, 4].map((i) => [T0 + i * 1000, i]));
    // Order: sample 4 was written after the spooled ones, never before them.
    assert.deepEqual(backend.writes.flat().map((s) => s.values.dht_peers), [0, 1, 2, 3, 4]);
    assert.equal(store.depth().records, 0);
    assert.equal(store.depth().bytes, 0);
    assert.equal(spoolDepthOf(store)?.replayedSamples, 4);
    await store.close();
  });

  it('survives a restart of the collector: what was spooled is replayed by the next process', async () => {
    const path = freshPath();
    const backend = switchableStore();
    await spoolThenStop(path, backend, [sample(1), sample(2)]);
    assert.ok(!existsSync(`${path}.lock`), 'closing releases the lock');

    backend.set(false);
    const second = SpoolingSeriesStore.open(backend.store, { path, maxBytes: 1 << 20, ...quick });
    await second.drained();
    assert.deepEqual(await allPoints(second), [[T0 + 1000, 1], [T0 + 2000, 2]]);
    assert.equal(statSync(path).size, 0, 'a drained spool is emptied');
    await second.close();
  });

  it('skips a record torn by a crash mid-append and a damaged one, replaying the rest', async () => {
    const path = freshPath();
    const backend = switchableStore();
    await spoolThenStop(path, backend, [sample(1)]);
    const damaged = encodeRecord([sample(2)]).toString().replace('"dht_peers":2', '"dht_peers":9');
    appendFileSync(path, damaged);
    appendFileSync(path, encodeRecord([sample(3)]));
    // A crash in the middle of the next append: half a record, no newline.
    appendFileSync(path, encodeRecord([sample(4)]).subarray(0, 30));
    // The crashed process left its lock behind; a pid that no longer runs does not hold it.
    writeFileSync(`${path}.lock`, '999999999\n');

    backend.set(false);
    const second = SpoolingSeriesStore.open(backend.store, { path, maxBytes: 1 << 20, ...quick });
    await second.drained();
    assert.deepEqual(await allPoints(second), [[T0 + 1000, 1], [T0 + 3000, 3]]);
    await second.close();
  });

  it('is bounded: when full it drops the batch, counts it and rejects loudly', async () => {
    const backend = switchableStore();
    backend.set(true);
    const logged: string[] = [];
    const log = { warn: (_: unknown, message: string) => logged.push(`warn ${message}`), error: (_: unknown, message: string) => logged.push(`error ${message}`), info: () => {} };
    const recordBytes = encodeRecord([sample(1)]).length;
    const store = SpoolingSeriesStore.open(backend.store, { path: freshPath(), maxBytes: recordBytes * 3, log: log as never, ...quick });
    for (let i = 1; i <= 3; i++) await store.writeSamples([sample(i)]);
    await assert.rejects(store.writeSamples([sample(4)]), (error: unknown) => isSwarmscopeError(error) && error.code === 'store_unavailable' && /spool .* is full/.test(error.message));
    assert.equal(store.depth().droppedSamples, 1);
    assert.equal(store.depth().records, 3);
    assert.ok(logged.some((line) => /^warn spool is 80% full/.test(line)));
    assert.ok(logged.some((line) => /^error spool FULL/.test(line)));
    backend.set(false);
    await store.drained();
    assert.deepEqual((await allPoints(store)).map(([, value]) => value), [1, 2, 3]);
    await store.close();
  });

  it('refuses a second process on the same spool, and invalid samples before spooling them', async () => {
    const path = freshPath();
    const backend = switchableStore();
    const store = SpoolingSeriesStore.open(backend.store, { path, maxBytes: 1 << 20 });
    assert.throws(() => SpoolingSeriesStore.open(backend.store, { path, maxBytes: 1 << 20 }), /in use by process/);
    backend.set(true);
    await assert.rejects(store.writeSamples([{ infohash: 'nope', atMs: T0, values: {} }]), (error: unknown) => isSwarmscopeError(error) && error.code === 'invalid_infohash');
    assert.equal(store.depth().records, 0);
    await store.close();
  });

  it('sets aside samples the store refuses for good, so they do not block the rest', async () => {
    const path = freshPath();
    const backend = switchableStore();
    await spoolThenStop(path, backend, [sample(1)]);
    const refusing: SeriesStore = { ...backend.store, writeSamples: async () => Promise.reject(new SwarmscopeError('internal', 'field type conflict')) };
    const second = SpoolingSeriesStore.open(refusing, { path, maxBytes: 1 << 20, ...quick });
    await second.drained();
    assert.equal(second.depth().rejectedSamples, 1);
    assert.deepEqual(decodeRecord(readFileSync(`${path}.rejected`, 'utf8').trimEnd())?.samples, [sample(1)]);
    await second.close();
  });
});
