/**
 * Probes a bounded random sample of one torrent's peers and sums up what they are. When the
 * torrent's metadata is missing, the first peers are probed a few at a time with a metadata fetch
 * (BEP 9) until one serves a verified info dictionary; the rest are then probed without it, all
 * under the sweep-wide connection cap. Roles are decided at the end, with the piece count the
 * metadata gave, so every leecher gets a completion fraction once any peer served the metadata.
 */
import type { PeerAddress } from '../../protocol/compact.ts';
import type { ConnectionSlots } from './connection-slots.ts';
import type { MetadataProblem, VerifiedMetadata } from './fetch-metadata.ts';
import type { UnreachableReason } from './peer-wire-failure.ts';
import { classifyPieces, type PeerRole } from './piece-evidence.ts';
import { probePeer, type PeerProbeOptions, type PeerProbeResult } from './probe-peer.ts';

/** Metadata fetches tried at once: enough to get past a few silent peers quickly, few enough not to fetch it many times. */
const METADATA_ATTEMPTS_AT_ONCE = 4;

export interface SwarmProbeOptions extends Omit<PeerProbeOptions, 'fetchMetadata'> {
  sampleSize: number;
  slots: ConnectionSlots;
  /** From the stored metadata (size / piece length), or null. */
  pieceCount: number | null;
  needMetadata: boolean;
  random?: () => number;
}

/** One probed peer, without its address. */
export interface ProbedPeer {
  unreachable: UnreachableReason | null;
  role: PeerRole['role'] | null;
  completion: number | null;
  client: string | null;
  uploadOnly: boolean;
  durationMs: number;
  sentIds: ReadonlyMap<number, number>;
}

export interface SwarmProbeReport {
  probed: ProbedPeer[];
  seeders: number;
  leechers: number;
  unreachable: number;
  unreachableByReason: Partial<Record<UnreachableReason, number>>;
  /** Client names of the classified peers, one per peer. */
  clients: string[];
  pex: PeerAddress[];
  metadata: VerifiedMetadata | null;
  metadataProblems: Partial<Record<MetadataProblem, number>>;
}

/** Fisher–Yates on a copy: a uniform sample, so repeated sweeps see different peers of a large swarm. */
export function samplePeers<T>(peers: readonly T[], size: number, random: () => number = Math.random): T[] {
  const copy = [...peers];
  const take = Math.min(size, copy.length);
  for (let index = 0; index < take; index++) {
    const pick = index + Math.floor(random() * (copy.length - index));
    [copy[index], copy[pick]] = [copy[pick]!, copy[index]!];
  }
  return copy.slice(0, take);
}

function tally<K extends string>(counts: Partial<Record<K, number>>, key: K): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

export async function probeSwarm(peers: readonly PeerAddress[], options: SwarmProbeOptions): Promise<SwarmProbeReport> {
  const sample = samplePeers(peers, options.sampleSize, options.random);
  const results: PeerProbeResult[] = [];
  const metadataProblems: SwarmProbeReport['metadataProblems'] = {};
  let metadata: VerifiedMetadata | null = null;
  const probe = (peer: PeerAddress, fetchMetadata: boolean): Promise<PeerProbeResult> => options.slots.run(() => probePeer(peer, { ...options, fetchMetadata }));

  let next = 0;
  while (options.needMetadata && metadata === null && next < sample.length) {
    const batch = sample.slice(next, next + METADATA_ATTEMPTS_AT_ONCE);
    next += batch.length;
    for (const result of await Promise.all(batch.map((peer) => probe(peer, true)))) {
      results.push(result);
      if (result.metadata?.ok) metadata ??= result.metadata.metadata;
      else if (result.metadata) tally(metadataProblems, result.metadata.problem);
    }
  }
  results.push(...(await Promise.all(sample.slice(next).map((peer) => probe(peer, false)))));

  const pieceCount = metadata?.pieceCount ?? options.pieceCount;
  const report: SwarmProbeReport = { probed: [], seeders: 0, leechers: 0, unreachable: 0, unreachableByReason: {}, clients: [], pex: [], metadata, metadataProblems };
  for (const result of results) {
    report.pex.push(...result.pex);
    const role = result.evidence ? classifyPieces(result.evidence, pieceCount) : null;
    report.probed.push({
      unreachable: result.unreachable,
      role: role?.role ?? null,
      completion: role?.completion ?? null,
      client: result.client,
      uploadOnly: result.uploadOnly,
      durationMs: result.durationMs,
      sentIds: result.sentIds,
    });
    if (result.unreachable !== null || !role) {
      report.unreachable++;
      tally(report.unreachableByReason, result.unreachable ?? 'closed-early');
      continue;
    }
    if (role.role === 'seeder') report.seeders++;
    else report.leechers++;
    if (result.client) report.clients.push(result.client);
  }
  return report;
}
