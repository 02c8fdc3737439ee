/**
 * API points ([[iso, value], ...] per series) to uPlot's aligned columns: one x array in seconds,
 * one y array per series. Where a series simply has no point at an instant another series has, the
 * cell is `undefined`, which uPlot joins across; a `null` from the API marks a gap (no measurement:
 * the collector was down, the DHT unreachable), where uPlot breaks the line. Series bucketed with
 * the same step share bucket boundaries (the API starts buckets at multiples of the step), so
 * their points line up exactly.
 */
export function alignPoints(seriesPoints) {
  const rows = new Map();
  seriesPoints.forEach((points, column) => {
    for (const [time, value] of points ?? []) {
      const seconds = Date.parse(time) / 1000;
      let row = rows.get(seconds);
      if (!row) rows.set(seconds, (row = new Array(seriesPoints.length).fill(undefined)));
      row[column] = value;
    }
  });
  const xs = [...rows.keys()].sort((a, b) => a - b);
  return [xs, ...seriesPoints.map((_, column) => xs.map((x) => rows.get(x)[column]))];
}

/** Adds two series point by point; an instant where either is missing is left out, never half-counted; a gap (null) in either stays a gap. */
export function sumPoints(a, b) {
  const other = new Map((b ?? []).map(([time, value]) => [time, value]));
  return (a ?? [])
    .filter(([time]) => other.has(time))
    .map(([time, value]) => [time, value === null || other.get(time) === null ? null : value + other.get(time)]);
}

/** How many non-null values a column holds: "has this series anything to draw?" */
export function countValues(column) {
  return column.reduce((count, value) => (value === null || value === undefined ? count : count + 1), 0);
}
