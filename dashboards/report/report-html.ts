/**
 * The report as one self-contained HTML file (issue 13): inline CSS, inline SVG graphs and map, no
 * script, no font, no image or link that loads anything — a Content-Security-Policy of
 * `default-src 'none'` says so to the browser, which then fetches nothing. It opens offline, and its
 * print stylesheet gives A4 pages with no figure split across two.
 */
import type { MethodsRecord } from '../../store/methods-record.ts';
import { escapeXml } from '../../core/escape-xml.ts';
import { worldMapSvg } from '../geo/world-map-svg.ts';
import type { ReportData, ReportMember } from './report-data.ts';
import { REPORT_STYLE } from './report-style.ts';
import { svgTimeChart, type ChartLine } from './svg-time-chart.ts';

const PALETTE = ['#1f77b4', '#d95f02', '#1b9e77', '#7570b3', '#e7298a', '#66a61e', '#a6761d', '#666666'];

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
const count = (value: number | null | undefined) => (value === null || value === undefined ? '—' : Math.round(value).toLocaleString('en'));

function table(headers: string[], rows: string[][], attributes = ''): string {
  const head = `<tr>${headers.map((header) => `<th>${escapeXml(header)}</th>`).join('')}</tr>`;
  const body = rows.map((row) => `<tr>${row.map((cell) => `<td>${cell}</td>`).join('')}</tr>`).join('\n');
  return `<table${attributes}><thead>${head}</thead><tbody>${body}</tbody></table>`;
}

function lastValue(member: ReportMember, metric: keyof ReportMember['series']): number | null {
  const points = member.series[metric] ?? [];
  for (let index = points.length - 1; index >= 0; index--) if (points[index]![1] !== null) return points[index]![1];
  return null;
}

function figures(data: ReportData): string {
  const rows = data.members.map((member) => {
    const sweeps = member.coverage.coverage;
    const estimate = member.estimate;
    const estimateCell = !estimate
      ? '—'
      : estimate.estimate === null
        ? `no estimate: ${escapeXml(estimate.reason ?? '')}`
        : `${count(estimate.estimate)} (95% ${count(estimate.low)}–${count(estimate.high)})`;
    return [
      escapeXml(member.label),
      count(lastValue(member, 'dht_peers')),
      count(lastValue(member, 'bep33_peers')),
      count(lastValue(member, 'tracker_seeders')),
      estimateCell,
      sweeps ? `${sweeps.done} of ${sweeps.planned} (${sweeps.missed} missed)` : 'no sweep log',
      String(member.coverage.gaps.length),
    ];
  });
  const headers = ['Torrent', 'DHT peers (last)', 'BEP 33 (last)', 'Tracker seeders (last)', 'Total swarm estimate (latest)', 'Sweeps done', 'Gaps'];
  const distinct = data.distinct ? `<p>Distinct peers over the range, all members together: <strong>${count(data.distinct.overRange)}</strong> (${escapeXml(data.distinct.method)}).</p>` : '';
  return `<section><h2>Figures</h2>${table(headers, rows, ' class="figures"')}${distinct}</section>`;
}

function charts(data: ReportData): string {
  const events = data.events.map((event) => ({ atMs: event.atMs, label: `${iso(event.atMs)} ${event.kind}: ${event.title}` }));
  const base = { fromMs: data.fromMs, toMs: data.toMs, events };
  const first = data.members[0];
  if (data.kind === 'torrent' && first) {
    const line = (metric: keyof ReportMember['series'], label: string, colour: string, dashed = false): ChartLine => ({ label, colour, dashed, points: first.series[metric] ?? [] });
    const band = (first.series.swarm_estimate_low ?? []).flatMap(([atMs, low]) => {
      const high = first.series.swarm_estimate_high?.find(([at]) => at === atMs)?.[1];
      return low !== null && high !== null && high !== undefined ? [[atMs, low, high] as const] : [];
    });
    return [
      svgTimeChart({ ...base, id: 'peers', title: 'Peers by source', yLabel: 'peers', gaps: first.coverage.gaps, lines: [line('dht_peers', 'DHT peers', PALETTE[0]!), line('bep33_peers', 'BEP 33 estimate', PALETTE[1]!, true), line('tracker_seeders', 'Tracker seeders', PALETTE[2]!), line('tracker_leechers', 'Tracker leechers', PALETTE[3]!, true)] }),
      svgTimeChart({ ...base, id: 'estimate', title: 'Total swarm estimate (capture–recapture, 95% interval) beside the DHT count', yLabel: 'peers', gaps: first.coverage.gaps, lines: [line('swarm_estimate', 'Swarm estimate', PALETTE[4]!), line('dht_peers', 'DHT peers', PALETTE[0]!)], band: { label: '95% interval', colour: PALETTE[4]!, points: band } }),
      svgTimeChart({ ...base, id: 'unique', title: 'Unique peers since watching began', yLabel: 'peers (cumulative)', gaps: first.coverage.gaps, lines: [line('unique_peers', 'Unique peers', PALETTE[5]!)] }),
    ].join('\n');
  }
  const lines: ChartLine[] = data.members.map((member, index) => ({ label: member.label, colour: PALETTE[index % PALETTE.length]!, points: member.series.dht_peers ?? [] }));
  if (data.distinct) lines.push({ label: 'Distinct peers, all members (HLL union)', colour: '#000000', points: data.distinct.points });
  return svgTimeChart({ ...base, id: 'family', title: 'DHT peers per member, and distinct peers of the family', yLabel: 'peers', lines });
}

function geography(data: ReportData): string {
  const mapSvg = worldMapSvg({ title: `Peers by registry country, largest sweep per torrent, ${iso(data.fromMs)} to ${iso(data.toMs)}`, countries: data.countries });
  const countries = table(['Country', 'Peers'], data.countries.map(({ tag, peers }) => [escapeXml(tag), count(peers)]), ' class="countries"');
  const asns = table(['Autonomous system', 'Peers'], data.asns.slice(0, 11).map(({ tag, peers }) => [escapeXml(tag), count(peers)]), ' class="asns"');
  const note = '<p class="note">Countries are where address blocks are registered (RIR whois), not where people are; each torrent counts its largest sweep per country in the range, summed over a family’s members.</p>';
  return `<section><h2>Where</h2><div class="geo">${mapSvg}<div>${countries}${asns}</div></div>${note}</section>`;
}

function gapsAndEvents(data: ReportData): string {
  const gapRows = data.members.flatMap((member) => member.coverage.gaps.map((gap) => [escapeXml(member.label), iso(gap.fromMs), iso(gap.toMs), escapeXml(gap.cause), escapeXml(gap.detail ?? '')]));
  const gaps = gapRows.length > 0 ? table(['Torrent', 'From', 'To', 'Cause', 'Detail'], gapRows, ' class="gaps"') : '<p>No gap: a sweep measured every slot of the range.</p>';
  const eventRows = data.events.map((event) => [iso(event.atMs), escapeXml(event.kind), escapeXml(event.title), escapeXml(event.source), event.url ? `<span class="url">${escapeXml(event.url)}</span>` : '']);
  const events = eventRows.length > 0 ? table(['Time', 'Kind', 'What', 'Source', 'URL'], eventRows, ' class="events"') : '<p>No event recorded in the range.</p>';
  return `<section><h2>Gaps</h2>${gaps}</section><section><h2>Events</h2>${events}</section>`;
}

function flatten(value: unknown, prefix = ''): [string, string][] {
  if (value !== null && typeof value === 'object') return Object.entries(value as Record<string, unknown>).flatMap(([key, inner]) => flatten(inner, prefix ? `${prefix}.${key}` : key));
  return [[prefix, String(value)]];
}

function methods(record: MethodsRecord, data: ReportData): string {
  const rows = flatten(record).map(([key, value]) => [`<code>${escapeXml(key)}</code>`, escapeXml(value)]);
  const assumptions = data.members.find((member) => member.estimate)?.estimate?.assumptions ?? [];
  return [
    '<section class="methods"><h2>Methods record</h2>',
    '<p>How these numbers were measured (definitions, biases and references: METHODS.md in the swarmscope repository). The same record travels with every export.</p>',
    assumptions.length > 0 ? `<p>The swarm estimate assumes:</p><ul>${assumptions.map((text) => `<li>${escapeXml(text)}</li>`).join('')}</ul>` : '',
    table(['Field', 'Value'], rows, ' class="methods-record"'),
    `<details><summary>The record as JSON</summary><pre id="methods-json">${escapeXml(JSON.stringify(record, null, 2))}</pre></details>`,
    '</section>',
  ].join('\n');
}

export function reportHtml(data: ReportData): string {
  const software = data.methods.software;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${escapeXml(`${data.title} — swarmscope report`)}</title>
<style>${REPORT_STYLE}</style>
</head>
<body>
<header>
<h1>${escapeXml(data.title)}</h1>
${data.description ? `<p>${escapeXml(data.description)}</p>` : ''}
<p class="meta">${data.kind === 'family' ? 'Leak family' : 'Torrent'} · ${iso(data.fromMs)} to ${iso(data.toMs)} · buckets of ${data.stepMs / 1000} s · generated ${iso(data.generatedAtMs)} by ${escapeXml(`${software.name} ${software.version} (${software.commit})`)}</p>
</header>
${figures(data)}
<section><h2>Over time</h2>${charts(data)}</section>
${geography(data)}
${gapsAndEvents(data)}
${methods(data.methods, data)}
<footer><p>Cite the software with its CITATION.cff (version and commit above) and this methods record.</p></footer>
</body>
</html>
`;
}
