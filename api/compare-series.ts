/**
 * Several torrents' series of one metric on one time axis (`GET /api/v1/compare`): a row per
 * instant that any of them has, a column per torrent, null where a torrent has no point. With the
 * default step every series is bucketed at the same boundaries, so rows line up exactly.
 */
import type { SeriesPoint } from '../store/types.ts';

export type CompareRow = [time: string, ...values: (number | null)[]];

export function alignSeries(series: readonly (readonly SeriesPoint[])[]): CompareRow[] {
  const byTime = new Map<number, (number | null)[]>();
  series.forEach((points, column) => {
    for (const [atMs, value] of points) {
      let row = byTime.get(atMs);
      if (!row) byTime.set(atMs, (row = new Array<number | null>(series.length).fill(null)));
      row[column] = value;
    }
  });
  return [...byTime.entries()].sort(([a], [b]) => a - b).map(([atMs, values]): CompareRow => [new Date(atMs).toISOString(), ...values]);
}

/** `time,<infohash>,<infohash>...`; an empty cell where a torrent has no point (what pandas reads as NaN). */
export function compareToCsv(infohashes: readonly string[], rows: readonly CompareRow[]): string {
  const lines = [['time', ...infohashes].join(',')];
  for (const [time, ...values] of rows) lines.push([time, ...values.map((value) => (value === null ? '' : String(value)))].join(','));
  return `${lines.join('\n')}\n`;
}
