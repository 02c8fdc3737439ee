/**
 * What happens to a candidate once its metadata is verified: the classifier scores it; below the
 * keep score it is counted as rejected (with the score and the top reason); otherwise it becomes a
 * discovery (stored with its reasons and a summary of its files, its info dictionary kept for the
 * family matcher and the mirror verifier), a `discovery.new` fact is emitted for alert rules, a leak
 * family is suggested when its files match a member's, and it is watched when auto-watch is on and
 * it scores high enough.
 */
import type Database from 'better-sqlite3';
import type { Logger } from '../../core/logger.ts';
import { type Discovery, type DiscoveriesRepo, type SuggestedFamily, summarizeFiles } from '../../store/state/discoveries-repo.ts';
import type { DiscoveryQueue, QueuedCandidate } from '../../store/state/discovery-queue.ts';
import { emitDomainEvent } from '../../store/state/domain-events.ts';
import { saveInfoDictionary } from '../../store/torrent-info.ts';
import type { TorrentRegistry } from '../../store/types.ts';
import type { VerifiedMetadata } from '../peer-wire/fetch-metadata.ts';
import { classify } from './classifier.ts';
import type { ClassifierRules } from './classifier-rules.ts';

export interface JudgeDeps {
  stateDb: Database.Database;
  queue: DiscoveryQueue;
  discoveries: DiscoveriesRepo;
  registry: TorrentRegistry;
  rules: ClassifierRules;
  keepScore: number;
  /** 0 = never watch automatically. */
  autoWatchScore: number;
  /** The family whose members share files with these bytes, with the evidence; null if none. */
  suggestFamily?: (infoBytes: Buffer) => SuggestedFamily | null;
  log?: Logger;
  nowMs?: () => number;
}

export type Verdict = { kept: true; discovery: Discovery } | { kept: false; score: number; reason: string };

export function judgeCandidate(candidate: QueuedCandidate, metadata: VerifiedMetadata, deps: JudgeDeps): Verdict {
  const nowMs = (deps.nowMs ?? Date.now)();
  const classification = classify({ name: metadata.name, sizeBytes: metadata.sizeBytes, files: metadata.files }, deps.rules);
  if (classification.score < deps.keepScore) {
    const reason = `score ${classification.score} below ${deps.keepScore}${classification.reasons[0] ? `: ${classification.reasons[0]}` : ''}`;
    deps.queue.judged(candidate.infohash, 'rejected', reason.slice(0, 300), nowMs);
    return { kept: false, score: classification.score, reason };
  }
  saveInfoDictionary(deps.stateDb, candidate.infohash, metadata.infoBytes, nowMs);
  let suggestedFamily: SuggestedFamily | null = null;
  try {
    suggestedFamily = deps.suggestFamily?.(metadata.infoBytes) ?? null;
  } catch (error) {
    // A suggestion is a courtesy: failing to compute one must not lose the discovery.
    deps.log?.warn({ err: error, infohash: candidate.infohash }, 'family suggestion failed');
  }
  const watch = deps.autoWatchScore > 0 && classification.score >= deps.autoWatchScore;
  const discovery: Discovery = {
    infohash: candidate.infohash,
    name: metadata.name,
    size: metadata.sizeBytes,
    score: classification.score,
    reasons: classification.reasons,
    foundBy: candidate.foundBy,
    firstSeenAtMs: candidate.firstSeenAtMs,
    discoveredAtMs: nowMs,
    files: summarizeFiles(metadata.files),
    modelFamily: classification.modelFamily,
    quantisation: classification.quantisation,
    suggestedFamily,
    watchedAtMs: watch ? nowMs : null,
  };
  deps.stateDb.transaction(() => {
    deps.discoveries.save(discovery);
    deps.queue.judged(candidate.infohash, 'discovered', null, nowMs);
    emitDomainEvent(deps.stateDb, {
      type: 'discovery.new',
      subject: candidate.infohash,
      occurredAtMs: nowMs,
      data: {
        infohash: candidate.infohash,
        name: discovery.name,
        size: discovery.size,
        score: discovery.score,
        reasons: discovery.reasons,
        foundBy: discovery.foundBy,
        firstSeenAt: new Date(discovery.firstSeenAtMs).toISOString(),
        ...(suggestedFamily ? { suggestedFamily: { id: suggestedFamily.id, name: suggestedFamily.name, evidence: suggestedFamily.evidence } } : {}),
        autoWatched: watch,
      },
    });
  })();
  if (watch) {
    deps.registry.add({
      infohash: candidate.infohash,
      label: metadata.name,
      source: `discovery (${candidate.foundBy}, score ${classification.score})`,
      name: metadata.name,
      size: metadata.sizeBytes,
      files: metadata.files,
      pieceLengthBytes: metadata.pieceLengthBytes,
      tags: ['discovered'],
      infoDictionary: metadata.infoBytes,
    });
  }
  return { kept: true, discovery };
}
