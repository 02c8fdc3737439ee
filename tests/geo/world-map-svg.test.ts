/**
 * The choropleth the page, the map routes and the report share (dashboards/geo/world-map-svg.ts):
 * countries with peers are coloured on a log-ish scale whose legend matches the colours, countries
 * without are the neutral grey, each shape's <title> gives its name and peers, and what cannot be
 * drawn (`other`, codes with no shape at 1:110m, unknown codes) is counted by code in a legend line.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAP_COLOURS, NO_PEERS_COLOUR, colourFor, legendClasses, mapClasses, worldMapSvg } from '../../dashboards/geo/world-map-svg.ts';

interface DrawnPath {
  country: string;
  peers: number;
  fill: string;
  title: string;
}

function pathsOf(svg: string): DrawnPath[] {
  return [...svg.matchAll(/<path d="[^"]*" fill="([^"]+)"[^>]* data-country="([^"]*)" data-peers="(\d+)"><title>([^<]*)<\/title><\/path>/g)]
    .map(([, fill, country, peers, title]) => ({ fill: fill!, country: country!, peers: Number(peers), title: title! }));
}

describe('the world map SVG', () => {
  it('classes are log-ish steps from 1 to the largest count; equal limits collapse in the legend', () => {
    assert.deepEqual(mapClasses(0), []);
    assert.deepEqual(mapClasses(70), [1, 2, 4, 8, 17, 34]);
    assert.deepEqual(mapClasses(12_345), [1, 5, 23, 111, 534, 2568]);
    assert.deepEqual(legendClasses(mapClasses(1)), [{ from: 1, to: null, colour: MAP_COLOURS.at(-1) }]);
    assert.deepEqual(legendClasses(mapClasses(3)).map(({ from, to }) => [from, to]), [[1, 1], [2, null]]);
    // Each legend swatch is the colour a count in its class gets.
    for (const max of [1, 3, 70, 12_345]) {
      const classes = mapClasses(max);
      for (const { from, to, colour } of legendClasses(classes)) {
        assert.equal(colourFor(from, classes), colour, `max ${max}: ${from}`);
        if (to !== null) assert.equal(colourFor(to, classes), colour, `max ${max}: ${to}`);
      }
    }
    assert.equal(colourFor(0, mapClasses(70)), NO_PEERS_COLOUR);
    assert.ok(!MAP_COLOURS.includes(NO_PEERS_COLOUR));
  });

  it('colours exactly the countries with peers, titles every shape, and counts what it cannot draw', () => {
    const svg = worldMapSvg({
      title: 'Peers <by> country',
      countries: [{ tag: 'US', peers: 70 }, { tag: 'DE', peers: 1 }, { tag: 'br', peers: 9 }, { tag: 'XK', peers: 2 }, { tag: 'SG', peers: 7 }, { tag: 'other', peers: 3 }, { tag: 'ZZ', peers: 1 }],
    });
    const paths = pathsOf(svg);
    assert.equal(paths.length, 177, 'every shape of the atlas');
    const coloured = Object.fromEntries(paths.filter((path) => path.peers > 0).map((path) => [path.country, path.peers]));
    assert.deepEqual(coloured, { BR: 9, DE: 1, US: 70, XK: 2 }, 'lower-case codes and Kosovo (no ISO numeric id) too');
    const byCode = new Map(paths.map((path) => [path.country, path]));
    assert.equal(byCode.get('US')!.fill, MAP_COLOURS.at(-1), 'the largest is darkest');
    assert.equal(byCode.get('DE')!.fill, MAP_COLOURS[0]);
    assert.ok(paths.filter((path) => path.peers === 0).every((path) => path.fill === NO_PEERS_COLOUR), 'no peers: neutral');
    assert.equal(byCode.get('DE')!.title, 'Germany: 1 peer');
    assert.equal(byCode.get('US')!.title, 'United States: 70 peers', 'the name from the code table');
    assert.equal(byCode.get('FR')!.title, 'France: 0 peers');
    assert.ok(paths.every((path) => /^.+: \d[\d,]* peers?$/.test(path.title)));
    assert.match(svg, /<title>Peers &lt;by&gt; country<\/title>/, 'the title is escaped');
    const note = /<text [^>]*class="undrawn">([^<]*)<\/text>/.exec(svg)?.[1];
    assert.equal(note, 'Not drawn: 11 peers in &quot;other&quot; or in places too small for this scale (SG 7, other 3, ZZ 1)');
    const legend = [...svg.matchAll(/<g class="legend-class"[^>]*><rect [^>]*fill="([^"]+)"[^>]*\/><text [^>]*>([^<]+)<\/text><\/g>/g)].map(([, fill, text]) => [fill, text]);
    assert.deepEqual(legend[0], [NO_PEERS_COLOUR, 'no peers']);
    assert.deepEqual(legend.slice(1).map(([fill]) => fill), MAP_COLOURS);
  });

  it('a swarm with no located peer is all grey, with no class and no note', () => {
    const svg = worldMapSvg({ title: 'empty', countries: [] });
    assert.ok(pathsOf(svg).every((path) => path.fill === NO_PEERS_COLOUR));
    assert.equal([...svg.matchAll(/class="legend-class"/g)].length, 1);
    assert.doesNotMatch(svg, /class="undrawn"/);
  });
});
