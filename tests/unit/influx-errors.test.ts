/**
 * store/influx/influx-errors.ts: what a SpoolingSeriesStore may retry (`store_unavailable`: the
 * network, timeouts, 5xx, refused credentials) and what it may not (`internal`: any other 4xx, a
 * refused statement), with messages that say what failed in InfluxDB's own words.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SwarmscopeError } from '../../core/errors.ts';
import { InfluxHttpError, InfluxTimeoutError, assertNoStatementErrors, influxError, isBeyondRetention } from '../../store/influx/influx-errors.ts';

const systemError = (code: string, message: string) => Object.assign(new Error(message), { code });

describe('influxError', () => {
  it('network failures, as node:http raises them, are store_unavailable', () => {
    for (const code of ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE']) {
      const error = influxError(systemError(code, `connect ${code} 127.0.0.1:8086`), 'write failed');
      assert.equal(error.code, 'store_unavailable', code);
      assert.equal(error.message, `InfluxDB write failed: connect ${code} 127.0.0.1:8086`);
    }
  });

  it("undici's `TypeError: fetch failed` is judged, and described, by its cause", () => {
    const error = influxError(new TypeError('fetch failed', { cause: systemError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:8086') }), 'query failed');
    assert.equal(error.code, 'store_unavailable');
    assert.equal(error.message, 'InfluxDB query failed: fetch failed: connect ECONNREFUSED 127.0.0.1:8086');
  });

  it('every address of a dual-stack name refused (an AggregateError with no message of its own)', () => {
    const refused = Object.assign(new AggregateError([systemError('ECONNREFUSED', 'connect ECONNREFUSED ::1:8086'), systemError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:8086')], ''), { code: 'ECONNREFUSED' });
    const error = influxError(refused, 'query failed');
    assert.equal(error.code, 'store_unavailable');
    assert.equal(error.message, 'InfluxDB query failed: connect ECONNREFUSED ::1:8086; connect ECONNREFUSED 127.0.0.1:8086');
  });

  it('a timeout is store_unavailable', () => {
    const error = influxError(new InfluxTimeoutError('http://127.0.0.1:8086', 5000), 'write failed');
    assert.equal(error.code, 'store_unavailable');
    assert.equal(error.message, 'InfluxDB write failed: no answer from http://127.0.0.1:8086 within 5000 ms');
  });

  it('5xx, 401 and 403 are store_unavailable; other 4xx are internal; the message carries InfluxDB\'s error text', () => {
    const cases: [number, string, string][] = [
      [500, 'Internal Server Error', 'store_unavailable'],
      [503, 'Service Unavailable', 'store_unavailable'],
      [401, 'Unauthorized', 'store_unavailable'],
      [403, 'Forbidden', 'store_unavailable'],
      [400, 'Bad Request', 'internal'],
      [404, 'Not Found', 'internal'],
      [413, 'Request Entity Too Large', 'internal'],
    ];
    for (const [status, statusText, code] of cases) {
      const error = influxError(new InfluxHttpError(status, statusText, `{"error":"reason ${status}"}\n`), 'write failed');
      assert.equal(error.code, code, String(status));
      assert.equal(error.message, `InfluxDB write failed: HTTP ${status} ${statusText}: reason ${status}`);
    }
    const conflict = influxError(new InfluxHttpError(400, 'Bad Request', '{"error":"partial write: field type conflict: input field \\"dht_peers\\" on measurement \\"swarm\\" is type integer, already exists as type float dropped=1"}'), 'write failed');
    assert.equal(conflict.code, 'internal');
    assert.match(conflict.message, /HTTP 400 Bad Request: partial write: field type conflict: input field "dht_peers" on measurement "swarm" is type integer/);
  });

  it('an answer that is not InfluxDB\'s JSON (a proxy\'s page) is shown as text, cut when long', () => {
    assert.equal(new InfluxHttpError(502, 'Bad Gateway', '<html>upstream down</html>\n').message, 'HTTP 502 Bad Gateway: <html>upstream down</html>');
    assert.equal(new InfluxHttpError(502, undefined, '').message, 'HTTP 502');
    assert.equal(new InfluxHttpError(500, 'x', 'y'.repeat(2000)).message.length, 'HTTP 500 x: '.length + 501);
  });

  it('anything else is internal; a SwarmscopeError passes through', () => {
    assert.equal(influxError(new Error('unexpected'), 'query failed').code, 'internal');
    assert.equal(influxError(systemError('ERR_TLS_CERT_ALTNAME_INVALID', 'bad certificate'), 'query failed').code, 'internal');
    const own = new SwarmscopeError('invalid_request', 'mine');
    assert.equal(influxError(own, 'query failed'), own);
  });
});

describe('isBeyondRetention', () => {
  it('recognizes InfluxDB\'s 400 for points older than the policy keeps, and nothing else', () => {
    assert.ok(isBeyondRetention(new InfluxHttpError(400, 'Bad Request', '{"error":"partial write: points beyond retention policy dropped=3"}')));
    assert.ok(!isBeyondRetention(new InfluxHttpError(400, 'Bad Request', '{"error":"partial write: field type conflict dropped=1"}')));
    assert.ok(!isBeyondRetention(new Error('partial write: points beyond retention policy dropped=3')), 'only an answer from InfluxDB');
    assert.ok(!isBeyondRetention(undefined));
  });
});

describe('assertNoStatementErrors', () => {
  it('a statement error in a 200 answer is internal, in InfluxDB\'s words', () => {
    assert.throws(
      () => assertNoStatementErrors({ results: [{ statement_id: 0, error: 'database not found: nope' }] }, 'refused a statement'),
      (error: unknown) => error instanceof SwarmscopeError && error.code === 'internal' && error.message === 'InfluxDB refused a statement: database not found: nope',
    );
    assert.deepEqual(assertNoStatementErrors({ results: [{ statement_id: 0 }] }, 'x'), [{ statement_id: 0 }]);
  });
});
