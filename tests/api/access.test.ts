/** Rate limits, tokens configured as digests, and protected reads. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { A, errorOf, makeTestApp } from './test-app.ts';

describe('API access', () => {
  it('answers 429 in the usual error shape, with Retry-After, once a client is over the limit', async () => {
    const t = await makeTestApp({ rateLimit: { max: 3, timeWindowMs: 60_000 } });
    try {
      for (let i = 0; i < 3; i++) assert.equal((await t.app.inject({ url: '/api/v1/torrents' })).statusCode, 200);
      const limited = await t.app.inject({ url: '/api/v1/torrents' });
      assert.equal(limited.statusCode, 429);
      assert.deepEqual(Object.keys(limited.json()), ['error']);
      assert.equal(errorOf(limited).code, 'rate_limited');
      assert.match(errorOf(limited).message, /^too many requests: at most 3 per 60 s from one client; retry in \d+ (seconds?|minutes?)$/);
      assert.match(String(limited.headers['retry-after']), /^\d+$/);
      const other = await t.app.inject({ url: '/api/v1/torrents', remoteAddress: '192.0.2.7' });
      assert.equal(other.statusCode, 200, 'the limit is per client');
    } finally {
      await t.close();
    }
  });

  it('can be switched off', async () => {
    const t = await makeTestApp({ rateLimit: { max: 0 } });
    try {
      for (let i = 0; i < 20; i++) assert.equal((await t.app.inject({ url: '/healthz' })).statusCode, 200);
    } finally {
      await t.close();
    }
  });

  it('accepts a token configured as its SHA-256 digest, so the config need not hold the token', async () => {
    const token = 'a-long-random-token-for-notebooks';
    const t = await makeTestApp({ apiTokens: [`sha256:${createHash('sha256').update(token).digest('hex')}`] });
    try {
      const post = (authorization: string) => t.app.inject({ method: 'POST', url: '/api/v1/torrents', headers: { authorization }, payload: { infohash: A } });
      assert.equal((await post(`Bearer ${token}`)).statusCode, 201);
      assert.equal((await post(`Bearer sha256:${createHash('sha256').update(token).digest('hex')}`)).statusCode, 401, 'the digest itself is not a token');
    } finally {
      await t.close();
    }
  });
});
