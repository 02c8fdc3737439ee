/**
 * BEP 51 `sample_infohashes`, answered as libtorrent 2.0 answers it (src/kademlia/node.cpp and
 * dht_storage.cpp, `get_infohashes_sample` / `refresh_infohashes_sample`):
 * - args `id` and a 20-byte `target` (and BEP 32 `want`); a missing or bad target is error 203;
 * - `interval`: settings_pack `dht_sample_infohashes_interval` (default 21,600 s, clamped to
 *   [0, 21600], BEP 51's six-hour maximum), the seconds until the sample may change;
 * - `num`: how many infohashes the node stores (here: seeded ground truth it holds + live announces);
 * - `samples`: up to `dht_max_infohashes_sample_count` (default 20) of them, chosen at random,
 *   concatenated 20-byte infohashes in one byte string;
 * - `nodes` / `nodes6`: the closest contacts to `target`, exactly as find_node gives them.
 * The two settings are sim options (sim-options.ts: `sampleIntervalSec`, `maxSamplesPerReply`).
 * libtorrent keeps one sample per node and reuses it until `interval` has passed — unless the sample
 * is smaller than the cap (the node held fewer infohashes then), in which case it is drawn afresh on
 * every query, so new announces show at once. The sim does the same, per node, on sim time.
 */
import { type KrpcQuery, encodeResponse } from '../protocol/krpc.ts';
import { INFOHASH_BYTES } from '../core/infohash.ts';
import { contactFields, id20 } from './query-handlers.ts';
import { sampleDistinctIndices } from './random-sample.ts';
import type { SimContext } from './sim-context.ts';
import type { RemoteAddress, SimNode } from './sim-node.ts';

/** One node's current sample: the bytes of `samples`, how many, and when drawn (sim time). */
export interface InfohashSample {
  samples: Buffer;
  count: number;
  createdAtMs: number;
}

/** Every infohash the node stores: its seeded ground truth, then live announced ones not seeded. */
export function storedInfohashes(node: SimNode, nowMs: number): string[] {
  const stored = node.seeded ? [...node.seeded.keys()] : [];
  const announced = node.announced;
  if (!announced) return stored;
  for (const infohash of announced.infohashes()) {
    if (node.seeded?.has(infohash)) continue;
    // list() prunes expired announces on the way: a torrent whose peers all expired is no longer stored.
    if (announced.list(infohash, nowMs).length > 0) stored.push(infohash);
  }
  return stored;
}

function freshSample(context: SimContext, stored: readonly string[], nowMs: number): InfohashSample {
  const picks = sampleDistinctIndices(context.samplesRandom, stored.length, context.sampling.maxSamples);
  return { samples: Buffer.concat(picks.map((pick) => Buffer.from(stored[pick]!, 'hex'))), count: picks.length, createdAtMs: nowMs };
}

/** libtorrent's refresh rule: keep a full sample for `interval` seconds; redraw a short one each time. */
function currentSample(node: SimNode, context: SimContext, stored: readonly string[], nowMs: number): InfohashSample {
  const { intervalSec, maxSamples } = context.sampling;
  const cached = node.infohashSample;
  if (cached && intervalSec > 0 && nowMs < cached.createdAtMs + intervalSec * 1000 && cached.count >= maxSamples) return cached;
  return (node.infohashSample = freshSample(context, stored, nowMs));
}

/** The string return value is the message of a 203 error (query-handlers.ts). */
export function sampleInfohashes(node: SimNode, context: SimContext, query: KrpcQuery, remote: RemoteAddress): Buffer | string {
  const target = id20(query.args, 'target');
  if (!target) return `sample_infohashes needs a ${INFOHASH_BYTES}-byte "target"`;
  const nowMs = context.nowMs();
  const stored = storedInfohashes(node, nowMs);
  const sample = currentSample(node, context, stored, nowMs);
  return encodeResponse(query.transactionId, {
    id: node.id,
    interval: context.sampling.intervalSec,
    num: stored.length,
    samples: sample.samples,
    ...contactFields(node, query, remote, target),
  });
}
