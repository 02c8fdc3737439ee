/**
 * One BEP 51 `sample_infohashes` query and its reply, read strictly. BEP 51: the reply carries
 * `interval` (seconds before the node's sample changes: asking sooner returns the same sample),
 * `num` (how many infohashes the node stores in all), `samples` (a byte string of 20-byte
 * infohashes, a subset) and `nodes`/`nodes6` close to `target`, as find_node would. A node that
 * does not implement BEP 51 answers an error (204, "method unknown") or a reply without `samples`:
 * support is detected by the presence of `samples`, as the BEP says.
 */
import { isUsablePeer } from '../../core/address-class.ts';
import { isBytes } from '../../protocol/bencode.ts';
import { NODE_ID_BYTES, type NodeContact, decodeCompactNodes } from '../../protocol/compact.ts';
import type { KrpcResponse } from '../../protocol/krpc.ts';
import type { KrpcSocket, KrpcTarget } from '../dht/krpc-socket.ts';

/** libtorrent's `dht_sample_infohashes_interval` default (settings_pack): 21,600 s, and the BEP's upper bound. */
export const MAX_SAMPLE_INTERVAL_SEC = 21_600;
/** A reply has room for at most ~400 samples under the 8 KiB KRPC cap; a node claiming more lies. */
const MAX_SAMPLES_PER_REPLY = 400;
/** BEP 5 replies carry 8 contacts; like lookups, follow at most twice that many. */
const MAX_CONTACTS_FOLLOWED = 16;

export interface SampleReply {
  nodeId: Buffer;
  /** Seconds until this node's sample changes, clamped to [0, 21600]. */
  intervalSec: number;
  /** Infohashes the node says it stores (not all are in `samples`). */
  num: number;
  /** Distinct infohashes of this reply, 40 lowercase hex each. */
  samples: string[];
  /** Contacts close to the target, usable ones only (bogons dropped unless private addresses are allowed). */
  nodes: NodeContact[];
}

export class SamplesUnsupportedError extends Error {
  constructor(target: KrpcTarget) {
    super(`${target.host}:${target.port} answered sample_infohashes without "samples" (no BEP 51)`);
    this.name = 'SamplesUnsupportedError';
  }
}

export interface SampleOptions {
  allowPrivateAddresses: boolean;
  timeoutMs?: number;
}

/** Rejects with KrpcRemoteError (error reply), KrpcTimeoutError, or SamplesUnsupportedError. */
export async function sampleInfohashes(socket: KrpcSocket, target: KrpcTarget, targetId: Buffer, options: SampleOptions): Promise<SampleReply> {
  const response = await socket.query(target, 'sample_infohashes', { target: targetId }, options.timeoutMs);
  return readSampleReply(response, target, socket.address.host.includes(':') ? 6 : 4, options.allowPrivateAddresses);
}

/** Exported for fuzzing: any reply body, however hostile, becomes a bounded SampleReply or an error. */
export function readSampleReply(response: KrpcResponse, target: KrpcTarget, family: 4 | 6, allowPrivateAddresses: boolean): SampleReply {
  const { body } = response;
  const samplesField = body.samples;
  if (!isBytes(samplesField)) throw new SamplesUnsupportedError(target);
  const samples = new Set<string>();
  const whole = samplesField.length - (samplesField.length % NODE_ID_BYTES);
  for (let offset = 0; offset < whole && samples.size < MAX_SAMPLES_PER_REPLY; offset += NODE_ID_BYTES) {
    samples.add(samplesField.subarray(offset, offset + NODE_ID_BYTES).toString('hex'));
  }
  const nodesField = body[family === 4 ? 'nodes' : 'nodes6'];
  const nodes = isBytes(nodesField)
    ? decodeCompactNodes(nodesField, family)
        .slice(0, MAX_CONTACTS_FOLLOWED)
        .filter((node) => isUsablePeer(node, allowPrivateAddresses))
    : [];
  return {
    nodeId: response.senderId,
    intervalSec: clampInteger(body.interval, 0, MAX_SAMPLE_INTERVAL_SEC, 0),
    num: clampInteger(body.num, 0, Number.MAX_SAFE_INTEGER, samples.size),
    samples: [...samples],
    nodes,
  };
}

function clampInteger(value: unknown, min: number, max: number, fallback: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return fallback;
  return Math.min(max, Math.max(min, Math.trunc(value)));
}
