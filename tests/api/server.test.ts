/** The app over a real socket: startServer reports its URL and closes cleanly. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startServer } from '../../api/server.ts';
import { isSwarmscopeError } from '../../core/errors.ts';
import { AUTH, makeTestApp } from './test-app.ts';

describe('startServer', () => {
  it('listens on the port asked for (0 = any free one) and serves over HTTP', async () => {
    const t = await makeTestApp();
    const server = await startServer(t.app, { host: '127.0.0.1', port: 0 });
    try {
      assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      const health = await fetch(`${server.url}/healthz`);
      assert.equal(health.status, 200);
      assert.deepEqual(await health.json(), { status: 'ok' });
      const created = await fetch(`${server.url}/api/v1/torrents`, {
        method: 'POST',
        headers: { ...AUTH, 'content-type': 'application/json' },
        body: JSON.stringify({ infohash: 'f'.repeat(40) }),
      });
      assert.equal(created.status, 201);
    } finally {
      await server.close();
      await t.store.close();
    }
  });

  it('says clearly when the port is taken', async () => {
    const first = await makeTestApp();
    const second = await makeTestApp();
    const running = await startServer(first.app, { host: '127.0.0.1', port: 0 });
    try {
      const port = Number(new URL(running.url).port);
      await assert.rejects(
        startServer(second.app, { host: '127.0.0.1', port }),
        (error: unknown) => isSwarmscopeError(error) && /already in use/.test(error.message),
      );
    } finally {
      await running.close();
      await first.store.close();
      await second.close();
    }
  });
});
