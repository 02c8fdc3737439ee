/**
 * A small inline trend line for table rows: SVG, not a chart instance, so a page of rows costs a
 * few dozen DOM nodes. Its label states the first and last value, since the line itself is not
 * readable by a screen reader.
 */
import { svg } from './dom.js';
import { formatValue } from './format.js';

const WIDTH = 120;
const HEIGHT = 28;
const PAD = 2;

/** `values` are [timeMs, value] pairs in time order; null values are skipped. */
export function sparkline(values, { label = 'trend', colour = '#0072B2' } = {}) {
  const points = values.filter(([, value]) => typeof value === 'number');
  if (points.length === 0) return svg('svg', { class: 'sparkline empty', width: WIDTH, height: HEIGHT, role: 'img', 'aria-label': `${label}: no samples` });
  const times = points.map(([time]) => time);
  const ys = points.map(([, value]) => value);
  const [t0, t1] = [Math.min(...times), Math.max(...times)];
  const [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  const x = (time) => (t1 === t0 ? WIDTH / 2 : PAD + ((time - t0) / (t1 - t0)) * (WIDTH - 2 * PAD));
  // A flat series sits mid-height rather than on the floor, which would read as "zero".
  const y = (value) => (y1 === y0 ? HEIGHT / 2 : HEIGHT - PAD - ((value - y0) / (y1 - y0)) * (HEIGHT - 2 * PAD));
  const coordinates = points.map(([time, value]) => `${x(time).toFixed(1)},${y(value).toFixed(1)}`).join(' ');
  const last = points[points.length - 1];
  const summary = `${label}: from ${formatValue(points[0][1])} to ${formatValue(last[1])}`;
  return svg(
    'svg',
    { class: 'sparkline', width: WIDTH, height: HEIGHT, viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', 'aria-label': summary },
    svg('title', {}, summary),
    svg('polyline', { points: coordinates, fill: 'none', stroke: colour, 'stroke-width': 1.5, 'stroke-linejoin': 'round' }),
    svg('circle', { cx: x(last[0]).toFixed(1), cy: y(last[1]).toFixed(1), r: 2, fill: colour }),
  );
}
