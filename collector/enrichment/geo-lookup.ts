/**
 * Country and AS of a peer address, in memory (DESIGN.md §9: geography without keeping addresses).
 * The databases load once per process, on first use: ~15 ms for the countries, ~0.25 s and ~8 MiB of
 * typed arrays for the AS ranges (2 cores, Node 20; figures in the geo test's diagnostics).
 */
import { loadAsnIndex, type AsnIndex } from './asn-index.ts';
import { openCountryDb, type CountryDb } from './country-db.ts';

export interface GeoLookup {
  /** ISO 3166-1 alpha-2, or undefined (private, unallocated, not in the database). */
  country(ip: string): string | undefined;
  /** The AS number, or undefined. */
  asn(ip: string): number | undefined;
}

export interface LoadedGeo extends GeoLookup {
  loadMs: number;
  asnIndexBytes: number;
}

let shared: LoadedGeo | undefined;

export function loadGeoLookup(): LoadedGeo {
  if (shared) return shared;
  const startedMs = performance.now();
  const countries: CountryDb = openCountryDb();
  const asns: AsnIndex = loadAsnIndex();
  shared = {
    country: (ip) => countries.country(ip),
    asn: (ip) => asns.asn(ip),
    loadMs: performance.now() - startedMs,
    asnIndexBytes: asns.bytes,
  };
  return shared;
}
