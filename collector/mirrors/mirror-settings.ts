/**
 * The mirror checker's knobs, from the config (core/config.ts `mirror*` keys) or given by tests.
 * The limits that bound what a hostile mirror can cost are here too: time per request, header
 * size, bytes per check (sampled pieces only, each at most `maxPieceBytes`).
 */
import type { SwarmscopeConfig } from '../../core/config.ts';
import { DEFAULT_MAX_REDIRECTS } from './follow-redirects.ts';

export interface MirrorSettings {
  /** Time between checks of a healthy mirror. */
  intervalMs: number;
  /** One probe (HEAD and its GET fallback, redirects included): the total time limit. */
  timeoutMs: number;
  /** One sampled piece (all its segments): the total time limit. */
  pieceTimeoutMs: number;
  /** Consecutive failed checks before a mirror is `down`. */
  downAfterFailures: number;
  /** Pieces sampled per verification; 0 turns verification off. */
  verifyPieces: number;
  /** A verified mirror is verified again after this long (sooner when its validators change). */
  verifyIntervalMs: number;
  /** Pieces longer than this are not downloaded: the byte cap of one request. */
  maxPieceBytes: number;
  perHostConcurrency: number;
  /** Mirrors checked at once. */
  concurrency: number;
  /** Files probed per check of a whole multi-file torrent (a random sample beyond it). */
  maxFilesPerCheck: number;
  maxRedirects: number;
  /** Passed to http.request's maxHeaderSize: larger header blocks abort the request. */
  maxHeaderBytes: number;
  /** The longest wait after failures (backoff doubles from intervalMs up to this). */
  maxBackoffMs: number;
}

export const DEFAULT_MAX_HEADER_BYTES = 16 * 1024;

export function mirrorSettingsFromConfig(config: SwarmscopeConfig): MirrorSettings {
  return {
    intervalMs: config.mirrorCheckIntervalMs,
    timeoutMs: config.mirrorTimeoutMs,
    pieceTimeoutMs: config.mirrorPieceTimeoutMs,
    downAfterFailures: config.mirrorDownAfterFailures,
    verifyPieces: config.mirrorVerifyPieces,
    verifyIntervalMs: config.mirrorVerifyIntervalMs,
    maxPieceBytes: config.mirrorMaxPieceBytes,
    perHostConcurrency: config.mirrorPerHostConcurrency,
    concurrency: 8,
    maxFilesPerCheck: 32,
    maxRedirects: DEFAULT_MAX_REDIRECTS,
    maxHeaderBytes: DEFAULT_MAX_HEADER_BYTES,
    maxBackoffMs: Math.max(config.mirrorCheckIntervalMs, 6 * 3_600_000),
  };
}
