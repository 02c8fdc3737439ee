/**
 * Minimal types for the map modules (issue 13), which ship as plain ESM JavaScript: only the
 * surface the world map uses. d3-geo 3.1 projects GeoJSON; topojson-client 3.1 turns world-atlas's
 * TopoJSON into GeoJSON features.
 */
declare module 'd3-geo' {
  export interface GeoProjection {
    fitSize(size: [number, number], object: unknown): GeoProjection;
  }
  export function geoEqualEarth(): GeoProjection;
  export function geoPath(projection: GeoProjection): (object: unknown) => string | null;
}

declare module 'topojson-client' {
  export function feature(topology: unknown, object: unknown): { type: 'FeatureCollection'; features: { id?: string; properties: { name: string } }[] };
}
