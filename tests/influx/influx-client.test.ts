/**
 * store/influx/influx-client.ts, the HTTP client over node:http: what it sends (against a loopback
 * stand-in that records requests), how it fails (refused, timed out, error statuses), and, against a
 * real influxd, that what line-protocol.ts escapes comes back as it was written and that InfluxDB's
 * own error answers are mapped as the stores expect.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { SwarmscopeError } from '../../core/errors.ts';
import { createInfluxClient } from '../../store/influx/influx-client.ts';
import { isBeyondRetention } from '../../store/influx/influx-errors.ts';
import { openInfluxStore } from '../../store/influx/influx-series-store.ts';
import { parseInfluxUrl, type InfluxLocation } from '../../store/influx/influx-url.ts';
import { freeTcpPort, influxdForTest, influxSkip } from '../helpers/influxd.ts';

interface Recorded {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  socket: unknown;
}

const DAY_MS = 86_400_000;
const isCode = (code: string, pattern?: RegExp) => (error: unknown) => error instanceof SwarmscopeError && error.code === code && (pattern === undefined || pattern.test(error.message));

describe('the InfluxDB client against a stand-in server', () => {
  const requests: Recorded[] = [];
  /** The stand-in's answer to the next request: status, body; `hang` never answers. */
  let answer: { status: number; body: string } | 'hang' = { status: 204, body: '' };
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      requests.push({ method: request.method!, url: request.url!, headers: request.headers, body: Buffer.concat(chunks).toString('utf8'), socket: request.socket });
      if (answer === 'hang') return;
      response.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
    });
  });
  let location: InfluxLocation;
  before(async () => {
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    location = { kind: 'influx', protocol: 'http', host: '127.0.0.1', port: (server.address() as AddressInfo).port, database: 'swarm db', username: 'ad min', password: 'p@ss:word' };
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });
  const basic = `Basic ${Buffer.from('ad min:p@ss:word').toString('base64')}`;

  it('query: GET /query with db, epoch=ms, the statement and its bound parameters, basic auth; the results as InfluxDB sent them', async () => {
    requests.length = 0;
    const results = [{ statement_id: 0, series: [{ name: 'swarm', columns: ['time', 'mean'], values: [[1000, 2.5]] }] }];
    answer = { status: 200, body: JSON.stringify({ results }) };
    const client = createInfluxClient(location);
    assert.deepEqual(await client.query('SELECT mean("dht_peers") FROM "swarm" WHERE "infohash" = $infohash', { infohash: 'ab', from: 5 }), results);
    const [sent] = requests;
    assert.equal(sent!.method, 'GET');
    const url = new URL(sent!.url, 'http://x');
    assert.equal(url.pathname, '/query');
    assert.deepEqual(Object.fromEntries(url.searchParams), { db: 'swarm db', epoch: 'ms', q: 'SELECT mean("dht_peers") FROM "swarm" WHERE "infohash" = $infohash', params: '{"infohash":"ab","from":5}' });
    assert.equal(sent!.headers.authorization, basic);
    await client.query('SHOW DATABASES');
    assert.equal(new URL(requests[1]!.url, 'http://x').searchParams.has('params'), false, 'no parameters, no `params`');
  });

  it('execute: POST /query with the same parameters as a form body', async () => {
    requests.length = 0;
    answer = { status: 200, body: '{"results":[{"statement_id":0}]}' };
    await createInfluxClient(location).execute('CREATE DATABASE "x"', { a: 1 });
    const [sent] = requests;
    assert.equal(sent!.method, 'POST');
    assert.equal(sent!.url, '/query');
    assert.equal(sent!.headers['content-type'], 'application/x-www-form-urlencoded');
    assert.deepEqual(Object.fromEntries(new URLSearchParams(sent!.body)), { db: 'swarm db', epoch: 'ms', q: 'CREATE DATABASE "x"', params: '{"a":1}' });
    assert.equal(sent!.headers.authorization, basic);
  });

  it('write: POST /write?db&rp&precision=ms with line protocol; points without fields are not sent; nothing to send, no request', async () => {
    requests.length = 0;
    answer = { status: 204, body: '' };
    const client = createInfluxClient(location);
    await client.write(
      [
        { measurement: 'swarm', tags: { infohash: 'ab' }, fields: { dht_peers: 5, dht_nodes: null }, timestamp: 1000 },
        { measurement: 'swarm', tags: { infohash: 'cd' }, fields: {}, timestamp: 1000 },
        { measurement: 'timeline', tags: { id: 'tl_1' }, fields: { title: 'a "b"' }, timestamp: 2000 },
      ],
      'raw policy',
    );
    await client.write([{ measurement: 'swarm', fields: { dht_peers: null } }], 'raw');
    await client.write([], 'raw');
    assert.equal(requests.length, 1);
    const [sent] = requests;
    assert.equal(sent!.method, 'POST');
    assert.equal(sent!.url, '/write?db=swarm%20db&rp=raw%20policy&precision=ms');
    assert.equal(sent!.body, 'swarm,infohash=ab dht_peers=5 1000\ntimeline,id=tl_1 title="a \\"b\\"" 2000');
    assert.equal(sent!.headers['content-length'], String(Buffer.byteLength(sent!.body)));
    assert.equal(sent!.headers.authorization, basic);
  });

  it('keeps the connection alive between requests', async () => {
    requests.length = 0;
    answer = { status: 204, body: '' };
    const client = createInfluxClient({ ...location, username: undefined, password: undefined });
    for (let i = 0; i < 3; i++) await client.write([{ measurement: 'm', fields: { v: i }, timestamp: i }], 'raw');
    assert.equal(requests.length, 3);
    assert.ok(requests.every((request) => request.socket === requests[0]!.socket), 'one socket for all three');
    assert.equal(requests[0]!.headers.authorization, undefined, 'no credentials, no Authorization');
  });

  it('error statuses: 5xx and 401 are store_unavailable, other 4xx internal, each with InfluxDB\'s text; a partial write beyond retention is recognizable', async () => {
    const client = createInfluxClient(location);
    const point = [{ measurement: 'm', fields: { v: 1 }, timestamp: 1 }];
    answer = { status: 503, body: '{"error":"engine is closed"}' };
    await assert.rejects(client.write(point, 'raw'), isCode('store_unavailable', /^InfluxDB write of 1 points to retention policy "raw" failed: HTTP 503 Service Unavailable: engine is closed$/));
    await assert.rejects(client.query('SELECT 1'), isCode('store_unavailable', /^InfluxDB query failed: HTTP 503 Service Unavailable: engine is closed$/));
    answer = { status: 401, body: '{"error":"authorization failed"}' };
    await assert.rejects(client.execute('CREATE DATABASE "x"'), isCode('store_unavailable', /HTTP 401 Unauthorized: authorization failed/));
    answer = { status: 400, body: '{"error":"error parsing query: found EOF"}' };
    await assert.rejects(client.query('SELECT'), isCode('internal', /HTTP 400 Bad Request: error parsing query: found EOF/));
    answer = { status: 400, body: '{"error":"partial write: points beyond retention policy dropped=1"}' };
    await assert.rejects(client.write(point, 'raw'), (error: unknown) => isCode('internal')(error) && isBeyondRetention((error as Error).cause));
    answer = { status: 200, body: '<html>not InfluxDB</html>' };
    await assert.rejects(client.query('SELECT 1'), isCode('internal', /the answer to GET \/query is not JSON/));
    answer = { status: 200, body: '{"results":[{"statement_id":0,"error":"database not found: x"}]}' };
    await assert.rejects(client.query('SELECT 1'), isCode('internal', /^InfluxDB refused a statement: database not found: x$/));
  });

  it('no answer within requestTimeoutMs: store_unavailable, in about that time', async () => {
    answer = 'hang';
    const client = createInfluxClient(location, { requestTimeoutMs: 200 });
    const startedMs = Date.now();
    await assert.rejects(client.write([{ measurement: 'm', fields: { v: 1 } }], 'raw'), isCode('store_unavailable', /no answer from http:\/\/127\.0\.0\.1:\d+ within 200 ms/));
    const tookMs = Date.now() - startedMs;
    assert.ok(tookMs >= 190 && tookMs < 2000, `${tookMs} ms`);
    assert.equal(await client.ping(100), false, 'a ping that times out says offline');
    answer = { status: 204, body: '' };
    assert.equal(await client.ping(1000), true);
  });

  it('nothing listening: store_unavailable naming the refused address; ping says offline', async () => {
    const port = await freeTcpPort();
    const client = createInfluxClient({ ...location, port });
    await assert.rejects(client.query('SHOW DATABASES'), isCode('store_unavailable', new RegExp(`^InfluxDB query failed: connect ECONNREFUSED 127\\.0\\.0\\.1:${port}$`)));
    await assert.rejects(client.write([{ measurement: 'm', fields: { v: 1 } }], 'raw'), isCode('store_unavailable', /ECONNREFUSED/));
    assert.equal(await client.ping(1000), false);
  });
});

describe('the InfluxDB client against influxd', { skip: influxSkip() }, () => {
  it('escaped names and strings come back exactly as written', async (t) => {
    const influxd = await influxdForTest(t);
    const client = createInfluxClient(parseInfluxUrl(influxd.storeUrl('escapes'), 'escapes'));
    await client.execute('CREATE DATABASE "escapes"');
    // Not every string can be a tag or a key: InfluxDB 1.x reads a backslash before `,`, `=`, space or
    // the end as an escape, and no tag, key or measurement can end in one (line-protocol.ts).
    const tags = { 'tag key, = "q"': 'value, = "q" C:\\dir', plain: 'udp://tracker.opentrackr.org:1337/announce' };
    const fields = { 'field key, = "q"': 'text, = "q" \\ back\\slash ✓', trailing: 'ends with \\', number: 1e21, small: 1e-7, whole: 5, flag: true };
    await client.write([{ measurement: 'odd measure,ment', tags, fields, timestamp: 1_700_000_000_123 }], 'autogen');
    const [result] = await client.query('SELECT * FROM "escapes"."autogen"."odd measure,ment"');
    const series = result!.series![0]!;
    const row = Object.fromEntries(series.columns.map((column, index) => [column, series.values![0]![index]]));
    assert.deepEqual(row, { time: 1_700_000_000_123, ...tags, ...fields });
    // Whole numbers were written as floats: an integer now would be a type conflict; a float is not.
    await client.write([{ measurement: 'odd measure,ment', tags, fields: { whole: 6.5 }, timestamp: 1_700_000_000_124 }], 'autogen');
    const [types] = await client.query('SHOW FIELD KEYS FROM "escapes"."autogen"."odd measure,ment"');
    assert.deepEqual(Object.fromEntries(types!.series![0]!.values!.map(([key, type]) => [key, type])), {
      'field key, = "q"': 'string', trailing: 'string', number: 'float', small: 'float', whole: 'float', flag: 'boolean',
    });
  });

  it("InfluxDB's own refusals: a field type conflict is internal with its text; points beyond retention are dropped and counted", async (t) => {
    const influxd = await influxdForTest(t);
    const url = influxd.storeUrl('refusals');
    const store = openInfluxStore(parseInfluxUrl(url, url), { retention: { rawMs: DAY_MS, hourlyMs: 0, dailyMs: 0 } });
    await store.ready();
    const infohash = 'a'.repeat(40);
    await store.writeSamples([{ infohash, atMs: Date.now(), values: { dht_peers: 3 } }]);
    await assert.rejects(
      store.client.write([{ measurement: 'swarm', tags: { infohash }, fields: { dht_peers: 'three' }, timestamp: Date.now() }], 'raw'),
      isCode('internal', /HTTP 400 Bad Request: partial write: field type conflict: input field "dht_peers" on measurement "swarm" is type string, already exists as type float/),
    );
    const other = 'b'.repeat(40);
    await store.writeSamples([{ infohash: other, atMs: Date.now() - 3 * DAY_MS, values: { dht_peers: 1 } }, { infohash: other, atMs: Date.now(), values: { dht_peers: 4 } }]);
    assert.equal(store.droppedBeyondRetention, 2, 'the batch with a point beyond retention is counted as dropped');
    assert.equal((await store.latestSamples([other])).get(other)?.values.dht_peers, 4, 'InfluxDB wrote the rest of it');
    await store.close();
  });
});
