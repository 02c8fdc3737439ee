/**
 * Long-tailed swarm sizes (sim/swarm-sizes.ts): the bounded Pareto stays in its bounds, matches its
 * own mean, is skewed as documented, and the default `uniform` draws exactly what swarms drew
 * before the option existed (so every seeded test keeps its swarms).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SeededRandom } from '../../sim/prng.ts';
import { seedTorrents } from '../../sim/seeded-torrents.ts';
import { resolveSimOptions } from '../../sim/sim-options.ts';
import { DEFAULT_PARETO_ALPHA, boundedParetoQuantile, drawSwarmSize, expectedSwarmSize } from '../../sim/swarm-sizes.ts';

test('pareto sizes stay within [min, max], are long-tailed, and average what expectedSwarmSize says', () => {
  const random = new SeededRandom(4, 'sizes');
  const options = { minPeers: 10, maxPeers: 50_000, sizeDistribution: 'pareto' as const, sizeAlpha: DEFAULT_PARETO_ALPHA };
  const sizes = Array.from({ length: 20_000 }, () => drawSwarmSize(random, options)).sort((a, b) => a - b);
  assert.ok(sizes[0]! >= 10 && sizes.at(-1)! <= 50_000);
  const mean = sizes.reduce((sum, size) => sum + size, 0) / sizes.length;
  // Flooring loses half a peer per swarm on average; the heavy tail makes the sample mean noisy.
  const expected = expectedSwarmSize(10, 50_000, DEFAULT_PARETO_ALPHA);
  assert.ok(Math.abs(mean - expected) / expected < 0.15, `mean ${mean} vs ${expected}`);
  assert.ok(sizes[sizes.length / 2]! <= 25, `median ${sizes[sizes.length / 2]}: most swarms are small`);
  assert.ok(sizes.at(-1)! > 5000, 'and a few are very large');
  assert.equal(boundedParetoQuantile(0, 10, 50_000, 0.95), 10);
  assert.ok(Math.abs(boundedParetoQuantile(1, 10, 50_000, 0.95) - 50_000) < 1e-6);
});

test('uniform sizes are the draws swarms always made; pareto changes only the sizes', () => {
  const base = { nodes: 50, torrents: 40, seed: 9, minPeers: 10, maxPeers: 500 };
  const uniform = seedTorrents(resolveSimOptions(base));
  const explicit = seedTorrents(resolveSimOptions({ ...base, sizeDistribution: 'uniform' }));
  const legacy = Array.from({ length: 40 }, (_, position) => {
    const random = new SeededRandom(9, `torrent:${position}`);
    random.bytes(20);
    return random.nextInt(10, 500);
  });
  assert.deepEqual(uniform.map((torrent) => torrent.peers.count), legacy);
  assert.deepEqual(explicit.map((torrent) => torrent.infohash), uniform.map((torrent) => torrent.infohash));
  const pareto = seedTorrents(resolveSimOptions({ ...base, sizeDistribution: 'pareto' }));
  assert.deepEqual(pareto.map((torrent) => torrent.infohash), uniform.map((torrent) => torrent.infohash), 'same infohashes');
  assert.notDeepEqual(pareto.map((torrent) => torrent.peers.count), legacy);
});

test('a bad size distribution or shape is refused with the option named', () => {
  assert.throws(() => resolveSimOptions({ sizeDistribution: 'zipf' as never }), /sizeDistribution must be one of uniform, pareto/);
  assert.throws(() => resolveSimOptions({ sizeAlpha: 0 }), /sizeAlpha/);
});
