/**
 * The range picker's model: presets (24 h, 7 d, 30 d, all) and custom ranges, resolved to absolute
 * times and a step. The step is the smallest of the API's "nice" widths (store/series-request.ts)
 * that gives at most ~300 points: about 3 px per point on a wide chart, so a line keeps its shape
 * without sending detail nobody can see: 24 h gets 5-minute buckets (every 15-minute sweep), 7 d
 * hourly, 30 d 3-hourly.
 */
export const TARGET_POINTS = 300;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** "All" of a torrent that has been watched for seconds (the demo) still spans this much. */
const MIN_SPAN_MS = 2 * MINUTE;

export const PRESETS = [
  { id: '24h', label: '24 h', spanMs: DAY },
  { id: '7d', label: '7 d', spanMs: 7 * DAY },
  { id: '30d', label: '30 d', spanMs: 30 * DAY },
  { id: 'all', label: 'All' },
  { id: 'custom', label: 'Custom' },
];

const NICE_STEPS_S = [1, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800];

export function stepSecondsFor(spanMs, targetPoints = TARGET_POINTS) {
  const wanted = Math.max(spanMs / targetPoints / 1000, 1);
  return NICE_STEPS_S.find((step) => step >= wanted) ?? Math.ceil(wanted / 604800) * 604800;
}

/**
 * `range` is { preset } or { preset: 'custom', fromMs, toMs }. `startMs` is when watching began
 * (the earliest addedAt shown), which is what "all" means.
 */
export function resolveRange(range, { nowMs = Date.now(), startMs } = {}) {
  let fromMs;
  let toMs = nowMs;
  if (range.preset === 'custom' && Number.isFinite(range.fromMs) && Number.isFinite(range.toMs)) {
    fromMs = Math.min(range.fromMs, range.toMs);
    toMs = Math.max(range.fromMs, range.toMs);
  } else if (range.preset === 'all') {
    fromMs = Math.min(Number.isFinite(startMs) ? startMs : nowMs - 30 * DAY, nowMs - MIN_SPAN_MS);
  } else {
    fromMs = nowMs - (PRESETS.find((preset) => preset.id === range.preset)?.spanMs ?? DAY);
  }
  const stepS = stepSecondsFor(toMs - fromMs);
  return { fromMs, toMs, stepS, query: { from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString(), step: `${stepS}s` } };
}

/** Ranges that end "now" are worth refreshing; a custom range in the past is not. */
export function isLive(range) {
  return range.preset !== 'custom';
}

/** How often a live view re-queries: once per bucket, between 10 s (the demo's sweeps) and 5 minutes. */
export function refreshIntervalMs(resolved) {
  return Math.min(Math.max(resolved.stepS * 1000, 10_000), 5 * MINUTE);
}

/** Hash parameters <-> range, so a view's URL can be shared and reloaded. */
export function rangeFromParams(params, fallback = '24h') {
  const preset = params.get('range') ?? fallback;
  if (preset === 'custom') {
    const fromMs = Date.parse(params.get('from') ?? '');
    const toMs = Date.parse(params.get('to') ?? '');
    if (Number.isFinite(fromMs) && Number.isFinite(toMs)) return { preset, fromMs, toMs };
    return { preset: fallback };
  }
  return PRESETS.some((known) => known.id === preset) ? { preset } : { preset: fallback };
}

export function rangeToParams(range) {
  if (range.preset !== 'custom') return { range: range.preset };
  return { range: 'custom', from: new Date(range.fromMs).toISOString(), to: new Date(range.toMs).toISOString() };
}

export function describeStep(stepS) {
  if (stepS % 86400 === 0) return `${stepS / 86400} d`;
  if (stepS % 3600 === 0) return `${stepS / 3600} h`;
  if (stepS % 60 === 0) return `${stepS / 60} min`;
  return `${stepS} s`;
}
