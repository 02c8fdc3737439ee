/**
 * A choropleth of peers by country as SVG (issue 13), drawn on the server from world-atlas's
 * Natural Earth 1:110m TopoJSON with d3-geo's Equal Earth projection (equal-area: a country's ink
 * is its size, so colour alone carries the count). Nothing is fetched at run time: the atlas is read
 * from node_modules. Used by the report and by the page (`…/map.svg` routes), so both draw the same
 * map. Codes are ISO 3166-1 alpha-2 from the whois-registry database; world-atlas names countries by
 * ISO numeric id (dashboards/page/country-codes.json maps one to the other). `other` and codes with
 * no shape at this scale are not drawn; the legend counts them.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { geoEqualEarth, geoPath } from 'd3-geo';
import { feature } from 'topojson-client';
import { escapeXml } from '../../core/escape-xml.ts';

const WIDTH = 640;
const HEIGHT = 330;
/** Sequential blues (ColorBrewer Blues, 6 classes), light to dark. */
export const MAP_COLOURS = ['#deebf7', '#c6dbef', '#9ecae1', '#6baed6', '#3182bd', '#08519c'];
const NO_PEERS_COLOUR = '#e6e6e6';
/** world-atlas shapes without an ISO numeric id, by name. */
const UNNUMBERED: Record<string, string> = { Kosovo: 'XK' };

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

export function worldMapSvg(input: WorldMapInput): string {
  const peersByCode = new Map(input.countries.map(({ tag, peers }) => [tag.toUpperCase(), peers]));
  const max = Math.max(0, ...[...peersByCode.entries()].filter(([code]) => code !== 'OTHER').map(([, peers]) => peers));
  const classes = mapClasses(max);
  const drawn = new Set<string>();
  const paths = loadShapes().map((shape) => {
    const peers = shape.alpha2 ? peersByCode.get(shape.alpha2) ?? 0 : 0;
    if (shape.alpha2 && peers > 0) drawn.add(shape.alpha2);
    const label = `${shape.alpha2 ? countryNames[shape.alpha2] ?? shape.name : shape.name}: ${peers.toLocaleString('en')} peers`;
    return `<path d="${shape.path}" fill="${colourFor(peers, classes)}" stroke="#ffffff" stroke-width="0.5" data-country="${shape.alpha2 ?? ''}" data-peers="${peers}"><title>${escapeXml(label)}</title></path>`;
  });
  const undrawn = [...peersByCode.entries()].filter(([code, peers]) => peers > 0 && !drawn.has(code)).reduce((sum, [, peers]) => sum + peers, 0);
  const legend = classes.map((limit, index) => {
    const next = classes[index + 1];
    const text = next === undefined ? `${limit.toLocaleString('en')}+` : next - 1 > limit ? `${limit.toLocaleString('en')}–${(next - 1).toLocaleString('en')}` : limit.toLocaleString('en');
    return `<g transform="translate(${12 + index * 78} ${HEIGHT + 14})"><rect width="14" height="10" fill="${MAP_COLOURS[index]}" stroke="#999" stroke-width="0.5"/><text x="18" y="9" font-size="10">${text}</text></g>`;
  });
  const note = undrawn > 0 ? `<text x="12" y="${HEIGHT + 40}" font-size="10">${undrawn.toLocaleString('en')} ${undrawn === 1 ? 'peer' : 'peers'} in "other" or in places too small to draw at this scale</text>` : '';
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" class="world-map" viewBox="0 0 ${WIDTH} ${HEIGHT + 48}" role="img" aria-label="${escapeXml(input.title)}" font-family="sans-serif">`,
    `<title>${escapeXml(input.title)}</title>`,
    ...paths,
    ...legend,
    note,
    '</svg>',
  ].join('\n');
}
