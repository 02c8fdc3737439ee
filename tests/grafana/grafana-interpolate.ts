/**
 * What Grafana does to a raw InfluxQL query before InfluxDB sees it, so the tests run the exact
 * text a dashboard would send:
 * - template variables (frontend, `interpolateQueryExpr` of the InfluxDB datasource): a plain
 *   single-value variable is inserted as is; a multi-value or include-all variable is regex-escaped
 *   and several values become `(a|b)`; "All" with a custom allValue is inserted unformatted;
 * - `$timeFilter` → `time >= <from>ms and time <= <to>ms`, `$__interval_ms` and `$__interval`
 *   (backend, pkg/tsdb/influxdb/influxql), the interval being the range over the panel's max data
 *   points rounded the way rangeutil.roundInterval rounds it, and never under the datasource's
 *   `timeInterval`.
 */

export interface Variable {
  name: string;
  multi?: boolean;
  includeAll?: boolean;
  allValue?: string;
}

/** A selected value: one string, several, or the "All" choice. */
export type Selection = string | string[] | { all: true };

export interface QueryContext {
  fromMs: number;
  toMs: number;
  /** Panel width in pixels in Grafana; the tests use a typical one. */
  maxDataPoints?: number;
  /** The datasource's `timeInterval` (lower bound of $__interval). */
  minIntervalMs?: number;
  variables: { variable: Variable; selection: Selection }[];
}

/** Grafana's escapeRegex (@grafana/data): also `/`, which ends an InfluxQL regex literal. */
export function escapeRegex(value: string): string {
  return value.replace(/[\\^$*+?.()|[\]{}/]/g, '\\$&');
}

function format(variable: Variable, selection: Selection): string {
  if (typeof selection === 'object' && !Array.isArray(selection)) {
    if (variable.allValue !== undefined) return variable.allValue;
    throw new Error(`variable ${variable.name}: "All" without an allValue would need every value; give the values instead`);
  }
  if (!variable.multi && !variable.includeAll) return Array.isArray(selection) ? selection.join(',') : selection;
  const values = (Array.isArray(selection) ? selection : [selection]).map(escapeRegex);
  return values.length === 1 ? values[0]! : `(${values.join('|')})`;
}

/** Grafana's interval table (rangeutil.roundInterval), in ms. */
const ROUNDING: [below: number, interval: number][] = [
  [15, 10], [35, 20], [75, 50], [150, 100], [350, 200], [750, 500], [1500, 1000], [3500, 2000], [7500, 5000],
  [12500, 10000], [17500, 15000], [25000, 20000], [45000, 30000], [90000, 60000], [150000, 120000],
  [450000, 300000], [750000, 600000], [1050000, 900000], [1500000, 1200000], [2700000, 1800000],
  [5400000, 3600000], [9000000, 7200000], [16200000, 10800000], [32400000, 21600000], [86400000, 43200000],
  [604800000, 86400000], [1814400000, 604800000], [3628800000, 2592000000],
];

export function roundInterval(ms: number): number {
  return ROUNDING.find(([below]) => ms < below)?.[1] ?? 31536000000;
}

/** rangeutil.secondsToHms: 1y, 1w, 1d, 1h, 1m, 1s or 500ms. */
export function intervalText(ms: number): string {
  const units: [string, number][] = [['y', 31536000000], ['w', 604800000], ['d', 86400000], ['h', 3600000], ['m', 60000], ['s', 1000]];
  for (const [unit, size] of units) if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}

export function intervalMs(context: QueryContext): number {
  const raw = (context.toMs - context.fromMs) / (context.maxDataPoints ?? 1000);
  return Math.max(roundInterval(raw), context.minIntervalMs ?? 0);
}

export function interpolate(query: string, context: QueryContext): string {
  let text = query;
  // Longest names first, so $infohash_x is never cut at $infohash.
  const byLength = [...context.variables].sort((a, b) => b.variable.name.length - a.variable.name.length);
  for (const { variable, selection } of byLength) {
    const value = format(variable, selection);
    text = text.replaceAll(`\${${variable.name}}`, value).replaceAll(`[[${variable.name}]]`, value).replaceAll(`$${variable.name}`, value);
  }
  const interval = intervalMs(context);
  return text
    .replaceAll('$timeFilter', `time >= ${Math.round(context.fromMs)}ms and time <= ${Math.round(context.toMs)}ms`)
    .replaceAll('$__interval_ms', String(interval))
    .replaceAll('$__interval', intervalText(interval))
    .replaceAll('$interval', intervalText(interval));
}

/** Grafana's relative times as used in these dashboards: `now`, `now-24h`, and a panel's `timeFrom: 7d`. */
export function relativeMs(text: string, nowMs: number): number {
  if (text === 'now') return nowMs;
  const match = /^(?:now-)?(\d+)([smhdw])$/.exec(text);
  if (!match) throw new Error(`time "${text}" is not a relative time these tests understand`);
  const unit = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[match[2] as 's' | 'm' | 'h' | 'd' | 'w'];
  return nowMs - Number(match[1]) * unit;
}
