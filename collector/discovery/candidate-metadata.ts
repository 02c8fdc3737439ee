/**
 * Metadata of a candidate infohash: find some of its peers with a get_peers lookup (no harvest: a
 * few peers suffice, and the lookup spends the crawler's budget), then ask them for the info
 * dictionary over ut_metadata (BEP 9) with the probe the sweeps use, a few peers at a time, until
 * one serves a dictionary whose SHA-1 is the infohash. A peer's word is never taken: a forged
 * dictionary fails the hash check and the next peer is asked. Addresses stay in memory.
 */
import { describeError } from '../../core/errors.ts';
import { addressKey, type PeerAddress } from '../../protocol/compact.ts';
import { getPeers } from '../dht/get-peers.ts';
import type { KnownNodes } from '../dht/known-nodes.ts';
import type { KrpcSocket } from '../dht/krpc-socket.ts';
import { type ConnectOptions, isProbeTarget } from '../peer-wire/connect.ts';
import type { VerifiedMetadata } from '../peer-wire/fetch-metadata.ts';
import { probePeer } from '../peer-wire/probe-peer.ts';
import { samplePeers } from '../peer-wire/probe-swarm.ts';

/** Peers asked for metadata per attempt; real swarms have many that never accept a connection. */
export const MAX_PEERS_TRIED_PER_ATTEMPT = 12;
/** Peers asked at once within one attempt. */
const PEERS_AT_ONCE = 4;

export interface CandidateMetadataOptions {
  socket: KrpcSocket;
  knownNodes: KnownNodes;
  allowPrivateAddresses: boolean;
  connect: ConnectOptions;
  handshakeTimeoutMs: number;
  metadataTimeoutMs: number;
  metadataMaxBytes: number;
}

export type CandidateMetadataOutcome = { ok: true; metadata: VerifiedMetadata; peersFound: number } | { ok: false; problem: string; peersFound: number };

export async function fetchCandidateMetadata(infohash: string, options: CandidateMetadataOptions): Promise<CandidateMetadataOutcome> {
  const found = new Map<string, PeerAddress>();
  try {
    const lookup = await getPeers(options.socket, options.knownNodes, infohash, {
      allowPrivateAddresses: options.allowPrivateAddresses,
      harvest: { missProbability: 1, maxQueriesPerNode: 0, maxQueries: 0, perNodeGapMs: 0 },
      // Any value will do here: the metadata is verified by its hash, not by who pointed to the peer.
      // Addresses the connection policy refuses are not worth a try: keep only possible targets.
      onValue: (peer) => {
        if (found.size < MAX_PEERS_TRIED_PER_ATTEMPT * 4 && isProbeTarget(peer, options.connect)) found.set(addressKey(peer), peer);
      },
    });
    for (const [key, peer] of lookup.peers) if (found.size < MAX_PEERS_TRIED_PER_ATTEMPT * 4 && isProbeTarget(peer, options.connect)) found.set(key, peer);
    if (lookup.respondedNodes === 0) return { ok: false, problem: 'lookup-failed: no node answered', peersFound: 0 };
  } catch (error) {
    return { ok: false, problem: `lookup-failed: ${describeError(error)}`, peersFound: 0 };
  }
  if (found.size === 0) return { ok: false, problem: 'no-peers', peersFound: 0 };
  // A uniform sample: a retry then asks other peers than the attempt before, when there are many.
  const peers = samplePeers([...found.values()], MAX_PEERS_TRIED_PER_ATTEMPT);
  const problems = new Map<string, number>();
  let next = 0;
  let metadata: VerifiedMetadata | undefined;
  const worker = async (): Promise<void> => {
    while (!metadata && next < peers.length) {
      const peer = peers[next++]!;
      const result = await probePeer(peer, {
        infohash,
        connect: options.connect,
        handshakeTimeoutMs: options.handshakeTimeoutMs,
        settleMs: Math.min(2_000, options.handshakeTimeoutMs),
        fetchMetadata: true,
        metadataTimeoutMs: options.metadataTimeoutMs,
        metadataMaxBytes: options.metadataMaxBytes,
        allowPrivateAddresses: options.allowPrivateAddresses,
      }).catch(() => null);
      if (result?.metadata?.ok) {
        metadata ??= result.metadata.metadata;
        return;
      }
      const problem = result === null ? 'probe-error' : result.metadata && !result.metadata.ok ? result.metadata.problem : (result.unreachable ?? 'no-ut-metadata');
      problems.set(problem, (problems.get(problem) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PEERS_AT_ONCE, peers.length) }, worker));
  if (metadata) return { ok: true, metadata, peersFound: found.size };
  // The most common failure names the attempt: "no-metadata: connect-refused" reads better than a list.
  const [commonest] = [...problems.entries()].sort((a, b) => b[1] - a[1]);
  return { ok: false, problem: `no-metadata: ${commonest?.[0] ?? 'unknown'}`, peersFound: found.size };
}
