/**
 * How dashboards/page/country-codes.json was made, so it can be checked and remade: the ISO 3166-1
 * table of Debian's iso-codes package (pkg-isocodes, which tracks the standard's changes; Debian
 * and many distributions take country names from it) reduced to what the world map needs. Peers
 * carry ISO alpha-2 codes (the whois-registry database); world-atlas names its shapes by ISO
 * numeric id; the map titles each country with its short English name (`common_name` where
 * iso-codes has one: "Bolivia", not "Bolivia, Plurinational State of").
 *
 *   node --import tsx dashboards/geo/country-codes-from-iso.ts   (rewrites the JSON; needs iso-codes)
 *
 * tests/geo/country-codes.test.ts checks the committed file against this and against the atlas.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const ISO_CODES_FILE = '/usr/share/iso-codes/json/iso_3166-1.json';
export const COUNTRY_CODES_FILE = fileURLToPath(new URL('../page/country-codes.json', import.meta.url));
export const COUNTRY_CODES_SOURCE = "ISO 3166-1 alpha-2 to numeric, generated from Debian's iso-codes package (/usr/share/iso-codes/json/iso_3166-1.json); names are each entry's common_name, else its name; world-atlas feature ids are ISO 3166-1 numeric. Remake: node --import tsx dashboards/geo/country-codes-from-iso.ts";

interface IsoEntry {
  alpha_2: string;
  numeric: string;
  name: string;
  common_name?: string;
}

export interface CountryCodes {
  _source: string;
  /** alpha-2 → short English name. */
  names: Record<string, string>;
  /** alpha-2 → ISO numeric id as world-atlas spells it (three digits, leading zeros). */
  numeric: Record<string, string>;
}

export function countryCodesFromIso(file: { '3166-1': IsoEntry[] }): CountryCodes {
  const entries = [...file['3166-1']].sort((a, b) => a.alpha_2.localeCompare(b.alpha_2));
  return {
    _source: COUNTRY_CODES_SOURCE,
    names: Object.fromEntries(entries.map((entry) => [entry.alpha_2, entry.common_name ?? entry.name])),
    numeric: Object.fromEntries(entries.map((entry) => [entry.alpha_2, entry.numeric])),
  };
}

/** One key per line, no indentation: small, and a change shows as one line in a diff. */
export function formatCountryCodes(codes: CountryCodes): string {
  const block = (record: Record<string, string>): string => Object.entries(record).map(([key, value]) => `${JSON.stringify(key)}: ${JSON.stringify(value)}`).join(',\n');
  return `{\n"_source": ${JSON.stringify(codes._source)},\n"names": {\n${block(codes.names)}\n},\n"numeric": {\n${block(codes.numeric)}\n}\n}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const codes = countryCodesFromIso(JSON.parse(readFileSync(ISO_CODES_FILE, 'utf8')) as { '3166-1': IsoEntry[] });
  writeFileSync(COUNTRY_CODES_FILE, formatCountryCodes(codes));
  process.stdout.write(`${COUNTRY_CODES_FILE}: ${Object.keys(codes.numeric).length} countries\n`);
}
