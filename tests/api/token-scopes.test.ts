/**
 * Token scopes and rotation (issue 14): `read` tokens read (when reads are protected), `write`
 * tokens change the watchlist, mirrors, families, alerts and the timeline, only `admin` tokens
 * manage webhooks; a bare token is admin. Tokens in a file are rotated without a restart. No token
 * ever reaches the log, right or wrong.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { createHash } from 'node:crypto';
import { A, errorOf, makeTestApp } from './test-app.ts';

const READ = 'read-token-0123456789';
const WRITE = 'write-token-0123456789';
const ADMIN = 'admin-token-0123456789';
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('token scopes and rotation', () => {
  it('read < write < admin; a bare token is admin; a digest works like the token', async () => {
    const digest = createHash('sha256').update(ADMIN).digest('hex');
    const t = await makeTestApp({ apiTokens: [`read:${READ}`, `write:${WRITE}`, `admin:sha256:${digest}`, 'bare-token-0123456789'], protectReads: true });
    try {
      const list = (token?: string) => t.app.inject({ url: '/api/v1/torrents', headers: token ? bearer(token) : {} });
      assert.equal((await list()).statusCode, 401);
      for (const token of [READ, WRITE, ADMIN]) assert.equal((await list(token)).statusCode, 200, token);
      const watch = (token: string) => t.app.inject({ method: 'POST', url: '/api/v1/torrents', payload: { infohash: A }, headers: bearer(token) });
      const refused = await watch(READ);
      assert.equal(refused.statusCode, 403);
      assert.deepEqual(errorOf(refused), { code: 'forbidden', message: 'this token\'s scope is "read"; POST /api/v1/torrents needs "write"' });
      assert.equal((await watch(WRITE)).statusCode, 201);
      const hook = (token: string) => t.app.inject({ method: 'POST', url: '/api/v1/webhooks', payload: { url: 'https://hooks.example.org/x' }, headers: bearer(token) });
      assert.equal((await hook(WRITE)).statusCode, 403, 'webhooks need admin');
      assert.notEqual((await hook(ADMIN)).statusCode, 403);
      assert.notEqual((await hook('bare-token-0123456789')).statusCode, 403, 'a bare token is admin');
      assert.equal((await watch('not-a-token-at-all')).statusCode, 401);
    } finally {
      await t.close();
    }
  });

  it('rotates tokens from a file without a restart: add the new one, then remove the old one', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'swarmscope-tokens-')), 'tokens');
    writeFileSync(file, `# API tokens\nwrite:${WRITE}\n`);
    const t = await makeTestApp({ apiTokens: [], apiTokensFile: file });
    try {
      const watch = (token: string, infohash = A) => t.app.inject({ method: 'POST', url: '/api/v1/torrents', payload: { infohash }, headers: bearer(token) });
      assert.equal((await watch(WRITE)).statusCode, 201);
      assert.equal((await watch(ADMIN)).statusCode, 401);
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      writeFileSync(file, `write:${WRITE}\nadmin:${ADMIN}\n`);
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      assert.equal((await watch(ADMIN, 'b'.repeat(40))).statusCode, 201, 'the new token works');
      assert.equal((await watch(WRITE, 'c'.repeat(40))).statusCode, 201, 'the old one still works meanwhile');
      writeFileSync(file, `admin:${ADMIN}\n`);
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      assert.equal((await watch(WRITE, 'd'.repeat(40))).statusCode, 401, 'the old one is gone');
      writeFileSync(file, 'admin:short\n');
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      assert.equal((await watch(ADMIN, 'e'.repeat(40))).statusCode, 201, 'a broken file keeps the last good tokens');
    } finally {
      await t.close();
    }
  });

  it('never writes a token to the log, right or wrong', async () => {
    let log = '';
    const stream = new Writable({ write(chunk, _encoding, done) { log += chunk.toString(); done(); } });
    const t = await makeTestApp({ apiTokens: [`write:${WRITE}`], logger: { level: 'trace', stream } });
    try {
      await t.app.inject({ method: 'POST', url: '/api/v1/torrents', payload: { infohash: A }, headers: bearer(WRITE) });
      await t.app.inject({ method: 'POST', url: '/api/v1/torrents', payload: { infohash: A }, headers: bearer('wrong-token-987654321') });
      await t.app.inject({ method: 'DELETE', url: `/api/v1/torrents/${A}`, headers: { authorization: `bearer ${WRITE}` } });
      assert.ok(log.length > 0, 'requests were logged');
      assert.ok(!log.includes(WRITE) && !log.includes('wrong-token-987654321'), 'no token in the log');
    } finally {
      await t.close();
    }
  });
});
