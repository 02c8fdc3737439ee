/**
 * The alpha-2 ↔ numeric table the world map joins on (dashboards/page/country-codes.json): it is
 * exactly what its generator makes from Debian's iso-codes (so its source is checkable, not just
 * stated), a one-to-one map of well-formed codes, and it names every shape of the bundled
 * world-atlas 1:110m countries but the three that have no ISO numeric id.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { COUNTRY_CODES_FILE, ISO_CODES_FILE, countryCodesFromIso, formatCountryCodes, type CountryCodes } from '../../dashboards/geo/country-codes-from-iso.ts';

const committed = readFileSync(COUNTRY_CODES_FILE, 'utf8');
const codes = JSON.parse(committed) as CountryCodes;
const atlas = JSON.parse(readFileSync(createRequire(import.meta.url).resolve('world-atlas/countries-110m.json'), 'utf8')) as {
  objects: { countries: { geometries: { id?: string; properties: { name: string } }[] } };
};

describe('the country code table', () => {
  it('is what the generator makes from Debian\'s iso-codes', { skip: existsSync(ISO_CODES_FILE) ? false : `${ISO_CODES_FILE} is missing (apt-get install iso-codes)` }, () => {
    const generated = formatCountryCodes(countryCodesFromIso(JSON.parse(readFileSync(ISO_CODES_FILE, 'utf8'))));
    assert.equal(committed, generated);
  });

  it('maps well-formed alpha-2 codes one to one onto three-digit numeric ids, with a name each', () => {
    const alpha2 = Object.keys(codes.numeric);
    assert.ok(alpha2.length >= 249, `${alpha2.length} countries`);
    assert.deepEqual(Object.keys(codes.names), alpha2);
    for (const code of alpha2) {
      assert.match(code, /^[A-Z]{2}$/);
      assert.match(codes.numeric[code]!, /^\d{3}$/, code);
      assert.ok(codes.names[code]!.length > 0, code);
    }
    assert.equal(new Set(Object.values(codes.numeric)).size, alpha2.length, 'no numeric id twice');
    // Spot checks against the standard (and the countries the sim tests place peers in).
    assert.deepEqual(['DE', 'US', 'BR', 'JP', 'SG', 'AD'].map((code) => codes.numeric[code]), ['276', '840', '076', '392', '702', '020']);
    assert.equal(codes.names.BO, 'Bolivia', 'the short name');
  });

  it('names every world-atlas shape but the three without an ISO numeric id', () => {
    const byNumeric = new Map(Object.entries(codes.numeric).map(([alpha2, numeric]) => [numeric, alpha2]));
    const geometries = atlas.objects.countries.geometries;
    assert.equal(geometries.length, 177);
    const unnamed = geometries.filter((shape) => !shape.id || !byNumeric.has(shape.id)).map((shape) => shape.properties.name);
    // Kosovo is drawn through its user-assigned code XK (dashboards/geo/world-map-svg.ts); the two others stay grey.
    assert.deepEqual(unnamed.sort(), ['Kosovo', 'N. Cyprus', 'Somaliland']);
    const named = new Map(geometries.filter((shape) => shape.id).map((shape) => [byNumeric.get(shape.id!), shape.properties.name]));
    assert.equal(named.size, 174, 'no two shapes share a code');
    for (const [code, name] of [['DE', 'Germany'], ['US', 'United States of America'], ['BR', 'Brazil'], ['JP', 'Japan'], ['FR', 'France']]) assert.equal(named.get(code), name, code);
  });
});
