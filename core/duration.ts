/**
 * Durations and points in time as people type them: `15m`, `1h30m`, `300s`, `7d` for a duration
 * (the CLI's `--interval`, the API's `step`), and ISO 8601, `now`, `-24h` or `now-24h` for a time
 * (the API's and `export`'s `from` / `to`). `context` names where the text came from (a flag, an
 * environment variable, a query field) and prefixes the error message, so the person knows what to fix.
 */
import { SwarmscopeError, type ErrorCode } from './errors.ts';

const UNIT_MS = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
} as const;
type DurationUnit = keyof typeof UNIT_MS;

/** One or more `<number><unit>` parts, largest first by convention but not required: `1h30m`, `1.5h`. */
const DURATION_PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/gy;
const BARE_NUMBER = /^\d+(?:\.\d+)?$/;
/** Ten years: longer is certainly a typo, and keeps every result a safe integer. */
const MAX_DURATION_MS = 10 * 365 * UNIT_MS.d;

export interface ParseOptions {
  /** Unit of a bare number such as `300`; seconds unless told (the API's `step=300` means 300 s). */
  bareUnit?: DurationUnit;
  /** Configuration sources (flags, env, files) are the usual callers; the REST API passes `invalid_request`. */
  errorCode?: ErrorCode;
}

/** Parses `15m`, `1h30m`, `300s`, `250ms`, `2d`, `1w`, or a bare number in `bareUnit`; returns whole milliseconds. */
export function parseDurationMs(text: string, context?: string, options: ParseOptions = {}): number {
  const trimmed = text.trim();
  let totalMs: number | undefined;
  if (BARE_NUMBER.test(trimmed)) {
    totalMs = Number(trimmed) * UNIT_MS[options.bareUnit ?? 's'];
  } else if (trimmed !== '') {
    totalMs = sumDurationParts(trimmed);
  }
  if (totalMs === undefined || !Number.isFinite(totalMs)) {
    throw parseError(
      `"${shorten(trimmed)}" is not a duration: use a number with a unit (ms, s, m, h, d, w), e.g. 300s, 15m, 1h30m, 7d`,
      context,
      options,
    );
  }
  if (totalMs > MAX_DURATION_MS) {
    throw parseError(`"${shorten(trimmed)}" is longer than the maximum of 10 years`, context, options);
  }
  return Math.round(totalMs);
}

function sumDurationParts(text: string): number | undefined {
  DURATION_PART.lastIndex = 0;
  let total = 0;
  let consumed = 0;
  for (let match = DURATION_PART.exec(text); match; match = DURATION_PART.exec(text)) {
    const [whole, amount, unit] = match;
    total += Number(amount) * UNIT_MS[unit as DurationUnit];
    consumed += whole.length;
  }
  // The sticky regex stops at the first character it cannot read: anything left over is an error.
  return consumed === text.length ? total : undefined;
}

/** The shortest exact spelling of a duration: 900000 → `15m`, 5400000 → `90m`, 1500 → `1500ms`. */
export function formatDurationMs(durationMs: number): string {
  if (durationMs === 0) return '0s';
  const units: DurationUnit[] = ['w', 'd', 'h', 'm', 's'];
  for (const unit of units) {
    if (durationMs % UNIT_MS[unit] === 0) return `${durationMs / UNIT_MS[unit]}${unit}`;
  }
  return `${durationMs}ms`;
}

/** `2026-01-01`, `2026-01-01T12:00`, `2026-01-01T12:00:00.5+02:00`; a missing zone means UTC. */
const ISO_8601 = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)(Z|[+-]\d{2}:?\d{2})?)?$/i;
const RELATIVE = /^(?:now)?\s*([+-])\s*(.+)$/i;
const EPOCH_MS = /^\d{1,15}$/;

/**
 * Parses a point in time to milliseconds since the epoch: ISO 8601 (a date or a date-time; without a
 * zone it is read as UTC, never as the server's local time), `now`, `-24h` / `now-24h` / `now+1h`
 * relative to `nowMs`, or a bare integer of epoch milliseconds (what Grafana's `${__from}` sends).
 */
export function parseTimeMs(text: string, nowMs: number, context?: string, options: ParseOptions = {}): number {
  const trimmed = text.trim();
  if (/^now$/i.test(trimmed)) return nowMs;
  if (EPOCH_MS.test(trimmed)) return Number(trimmed);
  const relative = RELATIVE.exec(trimmed);
  if (relative) {
    const [, sign, duration = ''] = relative;
    const offsetMs = parseDurationMs(duration, context, { ...options, bareUnit: 's' });
    return sign === '-' ? nowMs - offsetMs : nowMs + offsetMs;
  }
  const iso = ISO_8601.exec(trimmed);
  if (iso) {
    const [, date, time, zone] = iso;
    const parsed = Date.parse(time === undefined ? `${date}T00:00:00Z` : `${date}T${time}${zone ?? 'Z'}`);
    if (Number.isFinite(parsed)) return parsed;
  }
  throw parseError(
    `"${shorten(trimmed)}" is not a time: use ISO 8601 (2026-01-01T00:00:00Z), "now", a relative time such as -24h, or epoch milliseconds`,
    context,
    options,
  );
}

function parseError(message: string, context: string | undefined, options: ParseOptions): SwarmscopeError {
  return new SwarmscopeError(options.errorCode ?? 'invalid_config', context ? `${context}: ${message}` : message);
}

function shorten(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
