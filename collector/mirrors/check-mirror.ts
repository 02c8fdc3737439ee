/**
 * One check of one mirror: probe the URL(s) it serves the torrent at (one per file for a whole
 * multi-file torrent, up to a cap), compare sizes with the file list, and when due verify sampled
 * pieces against the piece hashes; then sum it up as a MirrorCheck. Verification is due when the
 * mirror was never verified, the verify interval has passed, its ETag / Last-Modified / size
 * changed, or it was not plainly up before (it may come back serving something else).
 */
import { createHash } from 'node:crypto';
import { mapWithConcurrency } from '../../core/map-with-concurrency.ts';
import type { CheckOutcome, MirrorCheck, ProbeReport, SizeMismatch, VerificationReport } from '../../store/mirror-check.ts';
import type { Mirror } from '../../store/mirror-registry.ts';
import type { MirrorState } from '../../store/mirror-state-repo.ts';
import type { FetchContext } from './follow-redirects.ts';
import type { MirrorSettings } from './mirror-settings.ts';
import { changedValidators } from './mirror-transition.ts';
import { mirrorTargets, type MirrorTarget } from './mirror-urls.ts';
import { probeTarget } from './probe-url.ts';
import type { TorrentLayout } from './torrent-layout.ts';
import { verifyPieces } from './verify-pieces.ts';

/** Statuses that say "not here any more": Not Found, Gone, Unavailable For Legal Reasons. */
const GONE_STATUSES = new Set([404, 410, 451]);

export interface CheckContext {
  fetch: FetchContext;
  settings: MirrorSettings;
  random: () => number;
  nowMs: () => number;
}

function sample<T>(items: readonly T[], count: number, random: () => number): T[] {
  const pool = [...items];
  const picked: T[] = [];
  while (picked.length < count && pool.length > 0) picked.push(pool.splice(Math.floor(random() * pool.length), 1)[0]!);
  return picked;
}

const is2xx = (probe: ProbeReport): boolean => probe.status !== null && probe.status >= 200 && probe.status < 300;

function probeOutcome(probes: readonly ProbeReport[]): CheckOutcome {
  if (probes.every(is2xx)) return 'ok';
  if (probes.every((probe) => GONE_STATUSES.has(probe.status ?? 0))) return 'gone';
  return 'failed';
}

/** One set of validators for the whole mirror: a file's own, or a digest of every file's when all were probed. */
function validators(probes: readonly ProbeReport[], probedAll: boolean): Pick<MirrorCheck, 'etag' | 'lastModified' | 'bytes'> {
  if (probes.length === 1) return { etag: probes[0]!.etag, lastModified: probes[0]!.lastModified, bytes: probes[0]!.bytes };
  const complete = <K extends 'etag' | 'lastModified' | 'bytes'>(key: K) => probedAll && probes.every((probe) => probe[key] !== null);
  const digest = (key: 'etag' | 'lastModified') => `multi:${createHash('sha256').update(probes.map((probe) => probe[key]).join('\n')).digest('hex').slice(0, 32)}`;
  return {
    etag: complete('etag') ? digest('etag') : null,
    lastModified: complete('lastModified') ? digest('lastModified') : null,
    bytes: complete('bytes') ? probes.reduce((sum, probe) => sum + probe.bytes!, 0) : null,
  };
}

function sizeMismatches(targets: readonly MirrorTarget[], probes: readonly ProbeReport[]): SizeMismatch[] {
  return probes.flatMap((probe, index) => {
    const expected = targets[index]!.expectedBytes;
    return expected !== null && probe.bytes !== null && probe.bytes !== expected ? [{ file: probe.file ?? probe.url, expectedBytes: expected, actualBytes: probe.bytes }] : [];
  });
}

function verificationDue(previous: MirrorState, changed: boolean, atMs: number, settings: MirrorSettings): boolean {
  if (settings.verifyPieces === 0) return false;
  if (previous.verifiedAtMs === null || changed || previous.state !== 'up') return true;
  return atMs - previous.verifiedAtMs >= settings.verifyIntervalMs;
}

export async function checkMirror(mirror: Mirror, layout: TorrentLayout | undefined, previous: MirrorState, context: CheckContext): Promise<MirrorCheck> {
  const { settings } = context;
  const targets = mirrorTargets(mirror, layout);
  const probed = targets.length > settings.maxFilesPerCheck ? sample(targets, settings.maxFilesPerCheck, context.random) : targets;
  const probe = (target: MirrorTarget) => probeTarget(target, context.fetch, settings.timeoutMs);
  // A server that does not answer at all is not asked once per file: one timeout says enough.
  const first = await probe(probed[0]!);
  const probes = first.status === null ? [first] : [first, ...(await mapWithConcurrency(probed.slice(1), settings.perHostConcurrency, probe))];
  let outcome = probeOutcome(probes);
  const failing = probes.find((probe) => !is2xx(probe));
  const answered = probes.filter((probe) => probe.latencyMs !== null);
  const seen = validators(probes, probes.length === targets.length);
  const mismatches = outcome === 'ok' ? sizeMismatches(probed, probes) : [];
  if (mismatches.length > 0) outcome = 'content_differs';

  let verification: VerificationReport | null = null;
  const atMs = context.nowMs();
  if (outcome !== 'failed' && outcome !== 'gone' && layout && verificationDue(previous, changedValidators(previous, seen).length > 0, atMs, settings)) {
    verification = await verifyPieces(layout, targets, context.fetch, {
      pieces: settings.verifyPieces,
      maxPieceBytes: settings.maxPieceBytes,
      timeoutMs: settings.pieceTimeoutMs,
      random: context.random,
    });
    if (verification.failed > 0) outcome = 'content_differs';
  }
  return {
    atMs: context.nowMs(),
    outcome,
    up: outcome === 'ok',
    status: (failing ?? probes[0])?.status ?? null,
    latencyMs: answered.length === 0 ? null : Math.round(answered.reduce((sum, probe) => sum + probe.latencyMs!, 0) / answered.length),
    ...seen,
    legalTakedown: outcome === 'gone' && probes.some((probe) => probe.status === 451),
    probes,
    sizeMismatches: mismatches,
    verification,
    error: failing?.error ?? null,
  };
}
