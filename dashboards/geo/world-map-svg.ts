/**
 * A choropleth of peers by country as SVG (issue 13), drawn on the server from world-atlas's
 * Natural Earth 1:110m TopoJSON with d3-geo's Equal Earth projection (equal-area: a country's ink
 * is its size, so colour alone carries the count). Nothing is fetched at run time: the atlas is read
 * from node_modules. Used by the report and by the page (the `…/map` routes, api/routes/world-maps.ts),
 * so both draw the same map. Codes are ISO 3166-1 alpha-2 from the whois-registry database; world-atlas names countries by
 * ISO numeric id (dashboards/page/country-codes.json maps one to the other). `other` and codes with
 * no shape at this scale are not drawn; a legend line counts them, by code. Countries with no
 * peers are grey, with their own legend swatch; each country's `<title>` gives its name and peers.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { geoEqualEarth, geoPath } from 'd3-geo';
import { feature } from 'topojson-client';
import { escapeXml } from '../../core/escape-xml.ts';

const WIDTH = 640;
const HEIGHT = 330;
/**
 * Sequential blues (ColorBrewer Blues, the six darkest of nine), light to dark. The palest blues
 * are left out: beside the grey of "no peers" they read as grey, and one peer must not look like none.
 */
export const MAP_COLOURS = ['#9ecae1', '#6baed6', '#4292c6', '#2171b5', '#08519c', '#08306b'];
export const NO_PEERS_COLOUR = '#e6e6e6';
/** world-atlas shapes without an ISO numeric id, by name. */
const UNNUMBERED: Record<string, string> = { Kosovo: 'XK' };
/** Codes named in the "not drawn" legend line before it says "and N more" (the line must fit the width). */
const UNDRAWN_NAMED = 5;

interface Shape {
  alpha2: string | null;
  name: string;
  path: string;
}

let shapes: Shape[] | undefined;
let countryNames: Record<string, string> = {};

function loadShapes(): Shape[] {
  if (shapes) return shapes;
  const require = createRequire(import.meta.url);
  const topology = JSON.parse(readFileSync(require.resolve('world-atlas/countries-110m.json'), 'utf8')) as { objects: { countries: unknown } };
  const codes = JSON.parse(readFileSync(fileURLToPath(new URL('../page/country-codes.json', import.meta.url)), 'utf8')) as { numeric: Record<string, string>; names: Record<string, string> };
  countryNames = codes.names;
  const byNumeric = new Map(Object.entries(codes.numeric).map(([alpha2, numeric]) => [numeric, alpha2]));
  const countries = feature(topology, topology.objects.countries);
  const projection = geoEqualEarth().fitSize([WIDTH, HEIGHT], countries);
  const path = geoPath(projection);
  shapes = countries.features.map((country) => ({
    alpha2: (country.id ? byNumeric.get(country.id) : UNNUMBERED[country.properties.name]) ?? null,
    name: country.properties.name,
    path: path(country) ?? '',
  }));
  return shapes;
}

/** Class limits: 1, then powers-of-ten-ish steps up to the largest count (log scale: counts span decades). */
export function mapClasses(maxPeers: number): number[] {
  if (maxPeers <= 0) return [];
  const top = Math.log10(Math.max(maxPeers, 1));
  return MAP_COLOURS.map((_, index) => Math.max(1, Math.round(10 ** ((top * index) / MAP_COLOURS.length))));
}

/** The legend's classes: limits that rounding made equal collapse into one, with the colour colourFor gives them. */
export function legendClasses(classes: readonly number[]): { from: number; to: number | null; colour: string }[] {
  const distinct = classes.flatMap((limit, index) => (classes[index + 1] === limit ? [] : [{ limit, colour: MAP_COLOURS[index]! }]));
  return distinct.map(({ limit, colour }, index) => ({ from: limit, to: index + 1 < distinct.length ? distinct[index + 1]!.limit - 1 : null, colour }));
}

export function colourFor(peers: number, classes: readonly number[]): string {
  if (peers <= 0 || classes.length === 0) return NO_PEERS_COLOUR;
  let colour = MAP_COLOURS[0]!;
  classes.forEach((limit, index) => {
    if (peers >= limit) colour = MAP_COLOURS[index]!;
  });
  return colour;
}

export interface WorldMapInput {
  title: string;
  /** Peers per ISO alpha-2 code (and `other`). */
  countries: readonly { tag: string; peers: number }[];
}

/** Whole peers in English: "1 peer", "1,234 peers". */
function peersText(peers: number): string {
  return `${peers.toLocaleString('en')} ${peers === 1 ? 'peer' : 'peers'}`;
}

/** The legend line for counted peers the map cannot show: `other`, unknown codes, places with no shape at 1:110m. */
function undrawnNote(undrawn: readonly [string, number][]): string {
  if (undrawn.length === 0) return '';
  const total = undrawn.reduce((sum, [, peers]) => sum + peers, 0);
  const sorted = [...undrawn].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const named = sorted.slice(0, UNDRAWN_NAMED).map(([code, peers]) => `${code === 'OTHER' ? 'other' : code} ${peers.toLocaleString('en')}`);
  const more = sorted.length > UNDRAWN_NAMED ? `, and ${sorted.length - UNDRAWN_NAMED} more` : '';
  return `<text x="12" y="${HEIGHT + 40}" font-size="10" class="undrawn">${escapeXml(`Not drawn: ${peersText(total)} in "other" or in places too small for this scale (${named.join(', ')}${more})`)}</text>`;
}

function legend(classes: readonly number[]): string[] {
  const entries = [{ text: 'no peers', colour: NO_PEERS_COLOUR }, ...legendClasses(classes).map(({ from, to, colour }) => ({
    text: to === null ? `${from.toLocaleString('en')}+` : to > from ? `${from.toLocaleString('en')}–${to.toLocaleString('en')}` : from.toLocaleString('en'),
    colour,
  }))];
  return entries.map(({ text, colour }, index) =>
    `<g class="legend-class" transform="translate(${12 + index * 80} ${HEIGHT + 14})"><rect width="14" height="10" fill="${colour}" stroke="#999" stroke-width="0.5"/><text x="18" y="9" font-size="10">${text}</text></g>`);
}

export function worldMapSvg(input: WorldMapInput): string {
  const peersByCode = new Map<string, number>();
  for (const { tag, peers } of input.countries) peersByCode.set(tag.toUpperCase(), (peersByCode.get(tag.toUpperCase()) ?? 0) + peers);
  const max = Math.max(0, ...[...peersByCode.entries()].filter(([code]) => code !== 'OTHER').map(([, peers]) => peers));
  const classes = mapClasses(max);
  const drawn = new Set<string>();
  const paths = loadShapes().map((shape) => {
    const peers = shape.alpha2 ? peersByCode.get(shape.alpha2) ?? 0 : 0;
    if (shape.alpha2 && peers > 0) drawn.add(shape.alpha2);
    const label = `${shape.alpha2 ? countryNames[shape.alpha2] ?? shape.name : shape.name}: ${peersText(peers)}`;
    return `<path d="${shape.path}" fill="${colourFor(peers, classes)}" stroke="#ffffff" stroke-width="0.5" data-country="${shape.alpha2 ?? ''}" data-peers="${peers}"><title>${escapeXml(label)}</title></path>`;
  });
  const undrawn = [...peersByCode.entries()].filter(([code, peers]) => peers > 0 && !drawn.has(code));
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" class="world-map" viewBox="0 0 ${WIDTH} ${HEIGHT + 48}" role="img" aria-label="${escapeXml(input.title)}" font-family="sans-serif">`,
    `<title>${escapeXml(input.title)}</title>`,
    ...paths,
    ...legend(classes),
    undrawnNote(undrawn),
    '</svg>',
  ].join('\n');
}
