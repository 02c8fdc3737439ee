/** How numbers and times read on the page. Unmeasured is "—", never 0 (README: null is not zero). */

const countFormat = new Intl.NumberFormat('en', { maximumFractionDigits: 0 });
const decimalFormat = new Intl.NumberFormat('en', { maximumFractionDigits: 1 });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const relativeFormat = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });

export const MISSING = '—';

export function formatCount(value) {
  return typeof value === 'number' && Number.isFinite(value) ? countFormat.format(value) : MISSING;
}

/** Averages over buckets are fractional; one decimal place says so without noise. */
export function formatValue(value) {
  if (typeof value !== 'number' || !Number.isFinite(value)) return MISSING;
  return Number.isInteger(value) ? countFormat.format(value) : decimalFormat.format(value);
}

/** +12.5 %, −3 %; "new" when growing from zero, where a percentage means nothing. */
export function formatGrowth(growth) {
  if (growth === null || growth === undefined) return MISSING;
  if (growth === 'new') return 'new';
  const sign = growth > 0 ? '+' : growth < 0 ? '−' : '±';
  return `${sign}${decimalFormat.format(Math.abs(growth))} %`;
}

export function formatBytes(bytes) {
  if (typeof bytes !== 'number' || !Number.isFinite(bytes)) return MISSING;
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${decimalFormat.format(value)} ${units[unit]}`;
}

export function formatDateTime(ms) {
  return Number.isFinite(ms) ? dateTimeFormat.format(new Date(ms)) : MISSING;
}

/** "5 minutes ago": how fresh a sample is matters more at a glance than its exact time. */
export function formatAgo(ms, nowMs = Date.now()) {
  if (!Number.isFinite(ms)) return MISSING;
  const seconds = Math.round((ms - nowMs) / 1000);
  const steps = [
    [60, 'second'],
    [60, 'minute'],
    [24, 'hour'],
    [Infinity, 'day'],
  ];
  let amount = seconds;
  for (const [size, unit] of steps) {
    if (Math.abs(amount) < size) return relativeFormat.format(amount, unit);
    amount = Math.round(amount / size);
  }
  return MISSING;
}

/** The first 8 and last 4 hex characters: enough to tell torrents apart in a table. */
export function shortHash(infohash) {
  return `${infohash.slice(0, 8)}…${infohash.slice(-4)}`;
}

export function torrentTitle(torrent) {
  return torrent.label || torrent.name || torrent.infohash;
}
