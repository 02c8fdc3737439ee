/**
 * Discoveries: torrents found on the DHT (BEP 51 samples or passive queries) whose verified metadata
 * the classifier scored at least the keep score. Each keeps the classifier's reasons, so a reader
 * can see why it was flagged, and a summary of its files, never the whole list (that lives in the
 * verified info dictionary, store/torrent-info.ts).
 */
import type Database from 'better-sqlite3';
import { parseInfohash } from '../../core/infohash.ts';
import type { FoundBy } from './discovery-queue.ts';

export interface FilesSummary {
  count: number;
  /** The largest files, largest first (at most 10), paths inside the torrent. */
  largest: { path: string; length: number }[];
  /** File count per lowercase extension (`safetensors`, `gguf`, …; `""` for none). */
  extensions: Record<string, number>;
}

export interface SuggestedFamily {
  id: string;
  name?: string;
  evidence: unknown[];
}

export interface Discovery {
  infohash: string;
  name: string;
  size: number;
  score: number;
  reasons: string[];
  foundBy: FoundBy;
  firstSeenAtMs: number;
  discoveredAtMs: number;
  files: FilesSummary;
  modelFamily: string | null;
  quantisation: string | null;
  suggestedFamily: SuggestedFamily | null;
  /** Set when auto-watch (or a person) put it on the watchlist. */
  watchedAtMs: number | null;
}

interface DiscoveryRow {
  infohash: string;
  name: string;
  size: number;
  score: number;
  reasons: string;
  foundBy: FoundBy;
  firstSeenAtMs: number;
  discoveredAtMs: number;
  filesSummary: string;
  modelFamily: string | null;
  quantisation: string | null;
  suggestedFamilyId: string | null;
  suggestionEvidence: string | null;
  watchedAtMs: number | null;
}

const COLUMNS = `infohash, name, size, score, reasons, found_by AS foundBy, first_seen_at_ms AS firstSeenAtMs, discovered_at_ms AS discoveredAtMs,
  files_summary AS filesSummary, model_family AS modelFamily, quantisation, suggested_family_id AS suggestedFamilyId,
  suggestion_evidence AS suggestionEvidence, watched_at_ms AS watchedAtMs`;

function decode(row: DiscoveryRow): Discovery {
  const suggestion = row.suggestionEvidence ? (JSON.parse(row.suggestionEvidence) as { name?: string; evidence: unknown[] }) : null;
  return {
    infohash: row.infohash,
    name: row.name,
    size: row.size,
    score: row.score,
    reasons: JSON.parse(row.reasons) as string[],
    foundBy: row.foundBy,
    firstSeenAtMs: row.firstSeenAtMs,
    discoveredAtMs: row.discoveredAtMs,
    files: JSON.parse(row.filesSummary) as FilesSummary,
    modelFamily: row.modelFamily,
    quantisation: row.quantisation,
    suggestedFamily: row.suggestedFamilyId && suggestion ? { id: row.suggestedFamilyId, ...(suggestion.name ? { name: suggestion.name } : {}), evidence: suggestion.evidence } : null,
    watchedAtMs: row.watchedAtMs,
  };
}

export interface DiscoveryFilter {
  minScore?: number;
  /** Only those first seen at or after this time. */
  sinceMs?: number;
  offset?: number;
  limit?: number;
}

export interface DiscoveriesRepo {
  save(discovery: Discovery): void;
  get(infohash: string): Discovery | undefined;
  /** Highest score first, then newest. */
  list(filter?: DiscoveryFilter): { discoveries: Discovery[]; total: number };
  markWatched(infohash: string, atMs: number): void;
}

export function createDiscoveriesRepo(db: Database.Database): DiscoveriesRepo {
  const insert = db.prepare(
    `INSERT INTO discoveries (infohash, name, size, score, reasons, found_by, first_seen_at_ms, discovered_at_ms, files_summary, model_family, quantisation, suggested_family_id, suggestion_evidence, watched_at_ms)
     VALUES (@infohash, @name, @size, @score, @reasons, @foundBy, @firstSeenAtMs, @discoveredAtMs, @filesSummary, @modelFamily, @quantisation, @suggestedFamilyId, @suggestionEvidence, @watchedAtMs)
     ON CONFLICT (infohash) DO NOTHING`,
  );
  const getOne = db.prepare(`SELECT ${COLUMNS} FROM discoveries WHERE infohash = ?`);
  const where = `WHERE score >= @minScore AND first_seen_at_ms >= @sinceMs`;
  const count = db.prepare(`SELECT count(*) FROM discoveries ${where}`).pluck();
  const page = db.prepare(`SELECT ${COLUMNS} FROM discoveries ${where} ORDER BY score DESC, first_seen_at_ms DESC, infohash LIMIT @limit OFFSET @offset`);
  const watched = db.prepare(`UPDATE discoveries SET watched_at_ms = coalesce(watched_at_ms, ?) WHERE infohash = ?`);
  return {
    save(discovery) {
      insert.run({
        infohash: parseInfohash(discovery.infohash),
        name: discovery.name,
        size: discovery.size,
        score: discovery.score,
        reasons: JSON.stringify(discovery.reasons),
        foundBy: discovery.foundBy,
        firstSeenAtMs: discovery.firstSeenAtMs,
        discoveredAtMs: discovery.discoveredAtMs,
        filesSummary: JSON.stringify(discovery.files),
        modelFamily: discovery.modelFamily,
        quantisation: discovery.quantisation,
        suggestedFamilyId: discovery.suggestedFamily?.id ?? null,
        suggestionEvidence: discovery.suggestedFamily ? JSON.stringify({ name: discovery.suggestedFamily.name, evidence: discovery.suggestedFamily.evidence }) : null,
        watchedAtMs: discovery.watchedAtMs,
      });
    },
    get(infohash) {
      const row = getOne.get(parseInfohash(infohash)) as DiscoveryRow | undefined;
      return row ? decode(row) : undefined;
    },
    list(filter = {}) {
      const parameters = { minScore: filter.minScore ?? 0, sinceMs: filter.sinceMs ?? 0, limit: filter.limit ?? 100, offset: filter.offset ?? 0 };
      return { discoveries: (page.all(parameters) as DiscoveryRow[]).map(decode), total: count.get(parameters) as number };
    },
    markWatched(infohash, atMs) {
      watched.run(atMs, parseInfohash(infohash));
    },
  };
}

/** The summary kept for a discovery: counts, extensions and the ten largest files. */
export function summarizeFiles(files: readonly { path: string; length: number }[]): FilesSummary {
  const extensions: Record<string, number> = {};
  for (const file of files) {
    const base = file.path.split('/').pop() ?? '';
    const dot = base.lastIndexOf('.');
    const extension = dot > 0 ? base.slice(dot + 1).toLowerCase().slice(0, 16) : '';
    extensions[extension] = (extensions[extension] ?? 0) + 1;
  }
  const largest = [...files].sort((a, b) => b.length - a.length || a.path.localeCompare(b.path)).slice(0, 10).map(({ path, length }) => ({ path, length }));
  return { count: files.length, largest, extensions };
}
