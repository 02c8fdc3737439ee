/**
 * What the API needs from the rest of the program, passed in by whoever builds it (the CLI wires
 * the real store, readiness checks and the collector's torrent parser). The API never imports
 * collector/ (DESIGN.md §2), so parsing magnets and .torrent files arrives as a function.
 */
import type Database from 'better-sqlite3';
import { SwarmscopeError } from '../core/errors.ts';
import { parseInfohash } from '../core/infohash.ts';
import type { OutboundGuard } from '../core/outbound-guard.ts';
import type { MirrorSeriesStore } from '../store/mirror-series.ts';
import type { NewWatchedTorrent, SeriesStore, TorrentRegistry } from '../store/types.ts';
import type { ApiMetrics } from './metrics/api-metrics.ts';
import type { MetricsSource } from './metrics/metrics-source.ts';
import type { RateLimitOptions } from './plugins/rate-limit.ts';

export interface ReadinessCheck {
  ok: boolean;
  detail?: string;
}

export interface Readiness {
  ready: boolean;
  checks: Record<string, ReadinessCheck>;
}

export interface TorrentInput {
  magnet?: string;
  infohash?: string;
  torrentBase64?: string;
}

/** Throws SwarmscopeError `invalid_magnet`, `invalid_infohash` or `invalid_torrent` for bad input. */
export type ParseTorrentInput = (input: TorrentInput) => NewWatchedTorrent;

export interface ApiDeps {
  series: SeriesStore;
  registry: TorrentRegistry;
  readiness: () => Readiness;
  /** Bearer tokens allowed to write; none means writes are refused (with a message saying how to enable them). */
  apiTokens?: string[];
  /** One token per line, re-read when it changes (api/plugins/api-tokens.ts). */
  apiTokensFile?: string;
  /** false (tests), true, pino options, or a pino logger instance to share the CLI's log. */
  logger?: boolean | object;
  parseTorrentInput?: ParseTorrentInput;
  /** Largest accepted request body; .torrent files arrive base64-encoded in JSON, a third larger. */
  bodyLimitBytes?: number;
  /** The clock for relative times (`-24h`, `now`); tests pin it. */
  now?: () => number;
  /** SQLite handle of the alerting state (rules, webhooks, events, outbox); for SQLite stores the store's own file. */
  stateDb: Database.Database;
  /** Checks webhook URLs; built from `allowPrivateTargets` when absent. */
  outboundGuard?: OutboundGuard;
  /** CIDRs webhook URLs may resolve to although not public (SWARMSCOPE_ALLOW_PRIVATE_TARGETS). */
  allowPrivateTargets?: string[];
  /** Shared with the alert evaluator and delivery worker so /metrics shows their counters; created when absent. */
  metrics?: ApiMetrics;
  /** Collector and store figures for /metrics (the CLI reads them from the collector). */
  metricsSource?: MetricsSource;
  /** Requests per client per window; `{ max: 0 }` turns limiting off. Default 1200 per minute. */
  rateLimit?: RateLimitOptions;
  /** Reads of /api/v1 need a bearer token too. */
  protectReads?: boolean;
  /** The `mirror` series (store/mirror-series-open.ts); the SQLite tables of `stateDb` when absent. */
  mirrorSeries?: MirrorSeriesStore;
}

/**
 * The fallback when no parser is wired in: infohashes only. Magnets and .torrent files need the
 * collector's parser, which the CLI passes; saying so beats guessing at a partial parse here.
 */
export const parseInfohashOnly: ParseTorrentInput = (input) => {
  if (input.infohash !== undefined) return { infohash: parseInfohash(input.infohash) };
  const kind = input.magnet !== undefined ? 'magnet links' : '.torrent files';
  const code = input.magnet !== undefined ? 'invalid_magnet' : 'invalid_torrent';
  throw new SwarmscopeError(code, `this server was started without a torrent parser and cannot read ${kind}; send {"infohash": "<40 hex>"} instead`);
};
