/** The spooling store passes tagged series and sketches through; while the store is down they are spooled with the samples and replayed when it is back (issue 14), never thrown at the sweep. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { SwarmscopeError } from '../../core/errors.ts';
import { HyperLogLog } from '../../core/hyperloglog.ts';
import { openSqliteStore } from '../../store/sqlite/open-sqlite-store.ts';
import { SpoolingSeriesStore } from '../../store/spool/spooling-series-store.ts';
import type { DetailStore, SeriesStore, TaggedSample } from '../../store/types.ts';

const folder = mkdtempSync(join(tmpdir(), 'swarmscope-detail-spool-'));
after(() => rmSync(folder, { recursive: true, force: true }));
const A = 'a'.repeat(40);
const T0 = Date.UTC(2026, 0, 1);

it('passes DetailStore calls through, and spools detail writes while the store is unreachable, replaying them when it is back', async () => {
  const inner = openSqliteStore(':memory:').series;
  let down = false;
  const unavailable = () => new SwarmscopeError('store_unavailable', 'connect ECONNREFUSED');
  const switchable: SeriesStore & DetailStore = {
    kind: inner.kind,
    writeSamples: (samples) => inner.writeSamples(samples),
    latestSamples: (infohashes) => inner.latestSamples(infohashes),
    querySeries: (query) => inner.querySeries(query),
    writeTagged: async (samples) => (down ? Promise.reject(unavailable()) : inner.writeTagged(samples)),
    queryTagged: (query) => inner.queryTagged(query),
    writeSketches: async (samples) => (down ? Promise.reject(unavailable()) : inner.writeSketches(samples)),
    mergedSketch: (...args) => inner.mergedSketch(...args),
    close: () => inner.close(),
  };
  const warnings: string[] = [];
  const log = { warn: (_: object, message: string) => warnings.push(message), error: () => {}, info: () => {} };
  const spool = SpoolingSeriesStore.open(switchable, { path: join(folder, 'series.spool'), maxBytes: 1 << 20, log: log as never });
  const sample: TaggedSample = { measurement: 'swarm_geo', infohash: A, tag: 'DE', atMs: T0, values: { peers: 3 } };
  const sketch = new HyperLogLog();
  sketch.addHash(Buffer.alloc(8, 1));

  await spool.writeTagged([sample]);
  await spool.writeSketches([{ infohash: A, atMs: T0, sketch: sketch.serialize() }]);
  const query = { measurement: 'swarm_geo' as const, infohash: A, field: 'peers', fromMs: T0, toMs: T0, stepMs: 0, agg: 'avg' as const };
  assert.deepEqual((await spool.queryTagged(query)).get('DE'), [[T0, 3]]);
  assert.ok(await spool.mergedSketch(A, T0, T0));

  down = true;
  await spool.writeTagged([{ ...sample, atMs: T0 + 1000 }, { ...sample, tag: 'US', atMs: T0 + 1000 }]);
  await spool.writeSketches([{ infohash: A, atMs: T0 + 1000, sketch: sketch.serialize() }]);
  assert.equal(spool.depth().spooledSamples, 3, 'two tagged samples and one sketch wait on disk');
  assert.match(warnings.join('\n'), /spooling samples to disk/);
  down = false;
  await spool.drained();
  assert.deepEqual((await spool.queryTagged({ ...query, toMs: T0 + 1000 })).get('US'), [[T0 + 1000, 3]], 'replayed');
  assert.ok(await spool.mergedSketch(A, T0 + 1000, T0 + 1000), 'the sketch of the outage is there');
  assert.equal(spool.depth().replayedSamples, 3);
  await spool.close();
});
