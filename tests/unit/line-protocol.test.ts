/**
 * store/influx/line-protocol.ts against the escaping rules of InfluxDB 1.x's line protocol reference
 * (https://docs.influxdata.com/influxdb/v1/write_protocols/line_protocol_reference/#special-characters)
 * and against what node-influx 5.12.0 wrote, which created the fields of every existing database.
 * The expected lines of the first suite were printed by node-influx's own writePoints for the same
 * points (its body captured before sending) and are pinned here: a field must be written the same
 * way (a float `5`, never `5i`) or InfluxDB refuses it as a type conflict. Where node-influx wrote an
 * invalid or corrupted line, the second suite quotes it and expects what the reference specifies.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { escapeKey, escapeMeasurement, pointLine, quoteString, toLineProtocol, type InfluxPoint } from '../../store/influx/line-protocol.ts';

const HASH = 'ab'.repeat(20);
const line = (point: InfluxPoint) => toLineProtocol([point]);

describe('line protocol: written as node-influx 5.12.0 wrote it', () => {
  it('a swarm sample: tag, float field, millisecond timestamp', () => {
    const point = { measurement: 'swarm', tags: { infohash: HASH }, fields: { dht_peers: 5 }, timestamp: 1700000000000 };
    assert.equal(line(point), `swarm,infohash=${HASH} dht_peers=5 1700000000000`);
  });

  it('numbers as JavaScript prints them, whole ones without `i` (InfluxDB types them float), exponents included', () => {
    const fields = { a: 1.5, b: -0, c: 1e21, d: 1e-7, e: 0.1 + 0.2, f: Number.MAX_SAFE_INTEGER, g: 2 ** 53 + 2, h: 5e-324, i: 1.7976931348623157e308, j: -42, k: 123456789.125 };
    assert.equal(
      line({ measurement: 'm', fields, timestamp: 1 }),
      'm a=1.5,b=0,c=1e+21,d=1e-7,e=0.30000000000000004,f=9007199254740991,g=9007199254740994,h=5e-324,i=1.7976931348623157e+308,j=-42,k=123456789.125 1',
    );
    // Every printed number reads back as the same double.
    for (const value of Object.values(fields)) assert.equal(Number(String(value)), value === 0 ? 0 : value);
  });

  it('booleans', () => {
    assert.equal(line({ measurement: 'm', fields: { no: false, yes: true }, timestamp: 2 }), 'm no=false,yes=true 2');
  });

  it('string fields: double-quoted, `"` and `\\` escaped, everything else (comma, equals, space, newline, unicode) as it is', () => {
    const fields = { a: 'plain', b: 'quote " here', c: 'back\\slash', d: 'trailing\\', e: 'both \\" mixed', f: '', g: 'comma, equals= space', h: 'new\nline', i: 'ünïcødé ✓' };
    assert.equal(
      line({ measurement: 'm', fields, timestamp: 3 }),
      String.raw`m a="plain",b="quote \" here",c="back\\slash",d="trailing\\",e="both \\\" mixed",f="",g="comma, equals= space",h="new` + '\n' + String.raw`line",i="ünïcødé ✓" 3`,
    );
  });

  it('tag keys and values: comma, equals sign and space escaped; quotes and backslashes as they are', () => {
    const tags = { 'key with space': 'value with space', 'k,comma': 'v,comma', 'k=eq': 'v=eq', quote: 'say "hi"', back: 'C:\\dir', url: 'udp://tracker.opentrackr.org:1337/announce' };
    assert.equal(
      line({ measurement: 'm', tags, fields: { v: 1 }, timestamp: 4 }),
      String.raw`m,key\ with\ space=value\ with\ space,k\,comma=v\,comma,k\=eq=v\=eq,quote=say\ "hi",back=C:\dir,url=udp://tracker.opentrackr.org:1337/announce v=1 4`,
    );
  });

  it('field keys: comma, equals sign and space escaped', () => {
    assert.equal(line({ measurement: 'm', fields: { 'a b': 1, 'c,d': 2, 'e=f': 3, 'g"h': 4, 'i\\j': 5 }, timestamp: 5 }), String.raw`m a\ b=1,c\,d=2,e\=f=3,g"h=4,i\j=5 5`);
  });

  it('a timeline event: tags, string fields, one line per point', () => {
    const event = { measurement: 'timeline', tags: { id: 'tl_abc', kind: 'release', infohash: HASH }, fields: { source: 'manual', title: 'Llama "3" leak, day 1', url: '' }, timestamp: 1700000000123 };
    assert.equal(line(event), String.raw`timeline,id=tl_abc,kind=release,infohash=${HASH} source="manual",title="Llama \"3\" leak, day 1",url="" 1700000000123`);
    const two = toLineProtocol([{ measurement: 'swarm', tags: { infohash: HASH }, fields: { dht_peers: 5 }, timestamp: 1700000000000 }, { measurement: 'm', fields: { no: false, yes: true }, timestamp: 2 }]);
    assert.equal(two, `swarm,infohash=${HASH} dht_peers=5 1700000000000\nm no=false,yes=true 2`);
  });

  it('time 0 is written; no time leaves the stamping to InfluxDB', () => {
    assert.equal(line({ measurement: 'm', fields: { v: 1 }, timestamp: 0 }), 'm v=1 0');
    assert.equal(line({ measurement: 'm', fields: { v: 1 } }), 'm v=1');
  });
});

describe('line protocol: where node-influx wrote a line InfluxDB refuses or misreads', () => {
  it('measurements: comma and space escaped (node-influx: `my m,x=y v=1 6`, which InfluxDB reads as measurement "my")', () => {
    assert.equal(line({ measurement: 'my m,x=y', fields: { v: 1 }, timestamp: 6 }), String.raw`my\ m\,x=y v=1 6`);
  });

  it('null, undefined and non-finite fields are left out (node-influx: `a=null,b=undefined`, `a=NaN,b=Infinity`)', () => {
    assert.equal(line({ measurement: 'm', fields: { a: null, b: undefined, c: 1 }, timestamp: 8 }), 'm c=1 8');
    assert.equal(line({ measurement: 'm', fields: { a: NaN, b: Infinity, c: -Infinity, d: 2 }, timestamp: 9 }), 'm d=2 9');
  });

  it('a point with no field value is not written at all (node-influx: `m,t=x 10`, which InfluxDB refuses with a 400 "partial write")', () => {
    assert.equal(pointLine({ measurement: 'm', tags: { t: 'x' }, fields: {}, timestamp: 10 }), undefined);
    assert.equal(pointLine({ measurement: 'm', fields: { a: null, b: NaN }, timestamp: 10 }), undefined);
    assert.equal(toLineProtocol([{ measurement: 'm', fields: {}, timestamp: 1 }, { measurement: 'm', fields: { v: 1 }, timestamp: 2 }, { measurement: 'm', fields: {}, timestamp: 3 }]), 'm v=1 2');
    assert.equal(toLineProtocol([{ measurement: 'm', fields: { v: null } }]), '');
    assert.equal(toLineProtocol([]), '');
  });

  it('a tag with an empty value is left out (node-influx: `t=`, a line InfluxDB refuses)', () => {
    assert.equal(line({ measurement: 'm', tags: { a: '', b: 'x' }, fields: { v: 1 }, timestamp: 1 }), 'm,b=x v=1 1');
  });

  it("a backslash before an apostrophe in a string is escaped like any other (node-influx doubled the first one: it\\'s became `\"it\\\\\\\\'s\"`)", () => {
    assert.equal(line({ measurement: 'm', fields: { j: "it\\'s", k: "a\\'b\\'c" }, timestamp: 3 }), String.raw`m j="it\\'s",k="a\\'b\\'c" 3`);
  });

  it('fields in the order given (node-influx sorted them; InfluxDB does not care)', () => {
    assert.equal(line({ measurement: 'm', fields: { z: 1, a: 2, m: 3 }, timestamp: 7 }), 'm z=1,a=2,m=3 7');
  });
});

describe('line protocol escapes', () => {
  it('leave strings without special characters as they are', () => {
    for (const plain of ['swarm', 'dht_peers', HASH, 'AS13335', 'qBittorrent/4.6.2', 'ünï', '']) {
      assert.equal(escapeMeasurement(plain), plain);
      assert.equal(escapeKey(plain), plain);
      assert.equal(quoteString(plain), `"${plain}"`);
    }
  });

  it('escape every special character of each position, every occurrence', () => {
    assert.equal(escapeMeasurement('a,b c=d"e\\f,, '), String.raw`a\,b\ c=d"e\f\,\,\ `);
    assert.equal(escapeKey('a,b c=d"e\\f== '), String.raw`a\,b\ c\=d"e\f\=\=\ `);
    assert.equal(quoteString('a,b c=d"e\\f""\\\\'), String.raw`"a,b c=d\"e\\f\"\"\\\\"`);
  });
});
