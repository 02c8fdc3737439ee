/**
 * A time chart as inline SVG for the offline report (issue 13): lines per series, an optional
 * band (the swarm estimate's 95% interval), gaps shaded and never bridged (a null breaks a line),
 * events as labelled vertical marks. Plain SVG with no script and no external reference, so the
 * file opens anywhere and prints as vectors. Y starts at zero, as on the page.
 */
import { escapeXml } from '../../core/escape-xml.ts';

export interface ChartLine {
  label: string;
  colour: string;
  dashed?: boolean;
  /** [ms, value|null] in time order; null breaks the line. */
  points: readonly (readonly [number, number | null])[];
}

export interface ChartBand {
  label: string;
  colour: string;
  /** [ms, low, high] */
  points: readonly (readonly [number, number, number])[];
}

export interface ChartSpec {
  /** Unique within the report: names the chart's SVG pattern. */
  id: string;
  title: string;
  yLabel: string;
  fromMs: number;
  toMs: number;
  lines: readonly ChartLine[];
  band?: ChartBand;
  gaps?: readonly { fromMs: number; toMs: number; cause: string }[];
  events?: readonly { atMs: number; label: string }[];
}

const WIDTH = 760;
const HEIGHT = 260;
const MARGIN = { left: 56, right: 16, top: 16, bottom: 40 };
const TICKS = 5;

function niceMax(value: number): number {
  if (value <= 0) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 2.5, 5, 10].find((factor) => factor * magnitude >= value)! * magnitude;
  return step;
}

function formatTick(value: number): string {
  return Math.abs(value) >= 10_000 ? `${Math.round(value / 1000).toLocaleString('en')}k` : Math.round(value).toLocaleString('en');
}

function formatDay(ms: number, spanMs: number): string {
  const iso = new Date(ms).toISOString();
  return spanMs > 3 * 86_400_000 ? iso.slice(0, 10) : `${iso.slice(5, 10)} ${iso.slice(11, 16)}`;
}

/** Polyline segments: a null (or a value outside the range) ends one. */
function segments(points: ChartLine['points'], x: (ms: number) => number, y: (value: number) => number): string[] {
  const runs: string[] = [];
  let current: string[] = [];
  for (const [ms, value] of points) {
    if (value === null) {
      if (current.length > 0) runs.push(current.join(' '));
      current = [];
      continue;
    }
    current.push(`${x(ms).toFixed(1)},${y(value).toFixed(1)}`);
  }
  if (current.length > 0) runs.push(current.join(' '));
  return runs;
}

export function svgTimeChart(spec: ChartSpec): string {
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const spanMs = Math.max(1, spec.toMs - spec.fromMs);
  const values = [
    ...spec.lines.flatMap((line) => line.points.flatMap(([, value]) => (value === null ? [] : [value]))),
    ...(spec.band?.points.map(([, , high]) => high) ?? []),
  ];
  const yMax = niceMax(Math.max(0, ...values));
  const x = (ms: number) => MARGIN.left + ((ms - spec.fromMs) / spanMs) * plotWidth;
  const y = (value: number) => MARGIN.top + plotHeight - (value / yMax) * plotHeight;
  const parts: string[] = [];
  for (let tick = 0; tick <= TICKS; tick++) {
    const value = (yMax * tick) / TICKS;
    parts.push(`<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${y(value).toFixed(1)}" y2="${y(value).toFixed(1)}" stroke="#e4e4e4"/>`);
    parts.push(`<text x="${MARGIN.left - 6}" y="${(y(value) + 4).toFixed(1)}" text-anchor="end" font-size="11">${formatTick(value)}</text>`);
  }
  for (let tick = 0; tick <= TICKS; tick++) {
    const ms = spec.fromMs + (spanMs * tick) / TICKS;
    parts.push(`<text x="${x(ms).toFixed(1)}" y="${HEIGHT - MARGIN.bottom + 16}" text-anchor="middle" font-size="11">${escapeXml(formatDay(ms, spanMs))}</text>`);
  }
  parts.push(`<text x="14" y="${MARGIN.top + plotHeight / 2}" font-size="11" transform="rotate(-90 14 ${MARGIN.top + plotHeight / 2})" text-anchor="middle">${escapeXml(spec.yLabel)}</text>`);
  for (const gap of spec.gaps ?? []) {
    const left = x(Math.max(gap.fromMs, spec.fromMs));
    const right = x(Math.min(gap.toMs, spec.toMs));
    if (right <= left) continue;
    parts.push(`<rect class="gap" x="${left.toFixed(1)}" y="${MARGIN.top}" width="${(right - left).toFixed(1)}" height="${plotHeight}" fill="url(#hatch-${spec.id})"><title>${escapeXml(`no measurement (${gap.cause}) ${new Date(gap.fromMs).toISOString()} – ${new Date(gap.toMs).toISOString()}`)}</title></rect>`);
  }
  if (spec.band && spec.band.points.length > 0) {
    const upper = spec.band.points.map(([ms, , high]) => `${x(ms).toFixed(1)},${y(high).toFixed(1)}`);
    const lower = [...spec.band.points].reverse().map(([ms, low]) => `${x(ms).toFixed(1)},${y(low).toFixed(1)}`);
    parts.push(`<polygon class="band" points="${[...upper, ...lower].join(' ')}" fill="${spec.band.colour}" fill-opacity="0.18"><title>${escapeXml(spec.band.label)}</title></polygon>`);
  }
  for (const line of spec.lines) {
    for (const run of segments(line.points, x, y)) {
      const single = !run.includes(' ');
      parts.push(
        single
          ? `<circle cx="${run.split(',')[0]}" cy="${run.split(',')[1]}" r="2" fill="${line.colour}"/>`
          : `<polyline class="line" points="${run}" fill="none" stroke="${line.colour}" stroke-width="1.6"${line.dashed ? ' stroke-dasharray="5 3"' : ''}/>`,
      );
    }
  }
  for (const event of spec.events ?? []) {
    if (event.atMs < spec.fromMs || event.atMs > spec.toMs) continue;
    const at = x(event.atMs).toFixed(1);
    parts.push(`<line class="event" x1="${at}" x2="${at}" y1="${MARGIN.top}" y2="${MARGIN.top + plotHeight}" stroke="#7a3e9d" stroke-dasharray="2 2"><title>${escapeXml(event.label)}</title></line>`);
  }
  const legend = [
    ...spec.lines.map((line) => `<span><i style="border-color:${line.colour};border-style:${line.dashed ? 'dashed' : 'solid'}"></i>${escapeXml(line.label)}</span>`),
    ...(spec.band ? [`<span><i class="band" style="background:${spec.band.colour}"></i>${escapeXml(spec.band.label)}</span>`] : []),
    ...((spec.gaps?.length ?? 0) > 0 ? ['<span><i class="gap"></i>no measurement (gap)</span>'] : []),
  ];
  return [
    `<figure class="chart" data-chart="${spec.id}"><figcaption>${escapeXml(spec.title)}</figcaption>`,
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${escapeXml(spec.title)}" font-family="sans-serif">`,
    `<defs><pattern id="hatch-${spec.id}" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#f4f4f4"/><line x1="0" y1="0" x2="0" y2="6" stroke="#c8c8c8" stroke-width="2"/></pattern></defs>`,
    ...parts,
    '</svg>',
    `<div class="legend">${legend.join('')}</div></figure>`,
  ].join('\n');
}
