/**
 * The methods record (issue 13): what a reader of an exported number needs to cite and reproduce
 * it — which software, which store, the settings the collector measured with (store/state/sweep-log.ts
 * keeps each distinct set), and for an exported range the sweeps planned, done and missed and the
 * gaps. `GET /api/v1/methods` answers it for the installation; export answers carry it under
 * `methods`; CSV exports carry it as `# ` lines. METHODS.md defines every field and metric.
 */
import type Database from 'better-sqlite3';
import { softwareIdentity, type SoftwareIdentity } from '../core/software-identity.ts';
import { METRIC_DEFINITIONS } from './metric-definitions.ts';
import type { SeriesCoverage } from './series-coverage.ts';
import { SweepLog } from './state/sweep-log.ts';
import type { SwarmMetric } from './types.ts';

export const METHODS_SCHEMA = 'swarmscope-methods/1';

export interface MethodsRange {
  infohash: string;
  metric?: SwarmMetric;
  fromMs: number;
  toMs: number;
  coverage: SeriesCoverage;
}

export interface MethodsRecord {
  schema: string;
  generatedAt: string;
  software: SoftwareIdentity;
  store: 'sqlite' | 'influx';
  documentation: { methods: string; privacy: string; citation: string };
  /** Each distinct set of collector settings: those the range's sweeps ran with, or the newest. Empty before the first sweep. */
  collectorSettings: Record<string, unknown>[];
  privacy: { rawPeerAddresses: false; statement: string };
  metric?: { name: SwarmMetric; definition: string };
  range?: {
    infohash: string;
    from: string;
    to: string;
    /** null when the sweep log holds nothing for the range (e.g. data older than the log). */
    sweeps: { intervalMs: number; planned: number; done: number; missed: number; failedAttempts: number } | null;
    gaps: number;
    clockSteps: { at: string; stepMs: number; skippedMs: number; smeared: boolean }[];
  };
}

export function methodsRecord(stateDb: Database.Database, storeKind: 'sqlite' | 'influx', range?: MethodsRange, nowMs = Date.now()): MethodsRecord {
  const log = new SweepLog(stateDb);
  const collectorSettings = range
    ? [...log.settings(range.coverage.settingsIds).values()]
    : [log.latestSettings()?.settings].filter((settings): settings is Record<string, unknown> => settings !== undefined);
  const record: MethodsRecord = {
    schema: METHODS_SCHEMA,
    generatedAt: new Date(nowMs).toISOString(),
    software: softwareIdentity(),
    store: storeKind,
    documentation: { methods: 'METHODS.md', privacy: 'PRIVACY.md', citation: 'CITATION.cff' },
    collectorSettings,
    privacy: { rawPeerAddresses: false, statement: 'no peer IP address is stored: distinct counts come from sketches over keyed hashes, countries from an in-memory lookup' },
  };
  if (range) {
    if (range.metric) record.metric = { name: range.metric, definition: METRIC_DEFINITIONS[range.metric] };
    record.range = {
      infohash: range.infohash,
      from: new Date(range.fromMs).toISOString(),
      to: new Date(range.toMs).toISOString(),
      sweeps: range.coverage.coverage,
      gaps: range.coverage.gaps.length,
      clockSteps: range.coverage.clockSteps.map((step) => ({ at: new Date(step.atMs).toISOString(), stepMs: step.stepMs, skippedMs: step.skippedMs, smeared: step.smeared })),
    };
  }
  return record;
}

/** `# key: value` lines for a CSV header: nested objects flattened with dots, arrays indexed. */
export function methodsCommentLines(record: MethodsRecord): string[] {
  const lines: string[] = [];
  const walk = (prefix: string, value: unknown): void => {
    if (value !== null && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value as Record<string, unknown>)) walk(prefix ? `${prefix}.${key}` : key, inner);
      return;
    }
    lines.push(`# methods.${prefix}: ${String(value).replace(/[\r\n]+/g, ' ')}`);
  };
  walk('', record);
  return lines;
}
