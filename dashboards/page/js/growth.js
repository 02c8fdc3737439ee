/**
 * Growth over a window from one series: the latest value against the value one window before it.
 * The baseline is the last point at or before (latest − window), so a gap in the data never makes
 * a short window look like a long one; with no point that old there is no growth to state.
 */

/** `points`: [timeMs, value] in time order, values numbers. Returns a percentage, 'new', or null. */
export function growthOver(points, windowMs) {
  if (points.length < 2) return null;
  const [latestMs, latest] = points[points.length - 1];
  const cutoff = latestMs - windowMs;
  let baseline = null;
  for (const point of points) {
    if (point[0] > cutoff) break;
    baseline = point;
  }
  if (!baseline) return null;
  if (baseline[1] === 0) return latest > 0 ? 'new' : 0;
  return ((latest - baseline[1]) / baseline[1]) * 100;
}

/** The compare answer ([[iso, v0, v1, ...], ...]) as one [timeMs, value] list per torrent column. */
export function columnsOf(compareAnswer) {
  const columns = compareAnswer.torrents.map(() => []);
  for (const [time, ...values] of compareAnswer.points) {
    const ms = Date.parse(time);
    values.forEach((value, column) => {
      if (typeof value === 'number') columns[column].push([ms, value]);
    });
  }
  return new Map(compareAnswer.torrents.map((torrent, column) => [torrent.infohash, columns[column]]));
}
