/**
 * Fault: one SQLite file opened by two processes at once, as the README allows — `collect` sweeping
 * every second and `serve` answering reads and writes as fast as a client sends them. No request
 * gets a 5xx (no SQLITE_BUSY reaches anyone), no sweep fails on the store, nothing is corrupt.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { startApiProcess } from '../helpers/child-processes.ts';
import { report, startCollector, startSim, sweepCounts, waitFor } from './fault-helpers.ts';

const TOKEN = 'fault-two-processes-token';
const LOAD_MS = 20_000;
const CONCURRENT = 16;

test('collect and serve on one SQLite file: no 5xx, no sweep lost to a busy database, nothing corrupt', { timeout: 180_000 }, async (t) => {
  const sim = await startSim(t);
  const infohashes = sim.torrents.map((torrent) => torrent.infohash);
  const dataDir = mkdtempSync(join(tmpdir(), 'swarmscope-fault-sqlite-'));
  const path = join(dataDir, 'db.sqlite');
  const store = `sqlite:${path}`;
  const collector = startCollector(t, { store, dataDir, bootstrap: sim.bootstrap, infohashes, intervalS: 1 });
  await waitFor(() => sweepCounts(path).done >= 1, 'a first sweep');
  const api = await startApiProcess(t, ['serve', '--store', store, '--data-dir', dataDir], { SWARMSCOPE_API_TOKENS: TOKEN, SWARMSCOPE_RATE_LIMIT_PER_MINUTE: '0' });
  const statuses = new Map<number, number>();
  const deadline = Date.now() + LOAD_MS;
  let requests = 0;
  const worker = async (lane: number) => {
    for (let round = 0; Date.now() < deadline; round++) {
      const infohash = (lane * 1000 + round).toString(16).padStart(40, 'e');
      const calls = [
        () => fetch(`${api.url}/api/v1/torrents?limit=100`),
        () => fetch(`${api.url}/api/v1/torrents/${infohashes[round % infohashes.length]}/series?metric=dht_peers&from=-1h&step=0`),
        () => fetch(`${api.url}/api/v1/torrents`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ infohash }) }),
        () => fetch(`${api.url}/api/v1/torrents/${infohash}`, { method: 'DELETE', headers: { authorization: `Bearer ${TOKEN}` } }),
      ];
      for (const call of calls) {
        const response = await call();
        await response.arrayBuffer();
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        requests++;
      }
    }
  };
  const sweepsBefore = sweepCounts(path).done;
  await Promise.all(Array.from({ length: CONCURRENT }, (_, lane) => worker(lane)));
  const during = sweepCounts(path);
  await collector.stop('SIGTERM');
  await api.process.stop('SIGTERM');
  const db = new Database(path, { readonly: true });
  const integrity = (db.prepare('PRAGMA integrity_check').get() as { integrity_check: string }).integrity_check;
  db.close();
  const serverErrors = [...statuses].filter(([status]) => status >= 500).reduce((sum, [, count]) => sum + count, 0);
  report(t, `collect (1 s sweeps) and serve on one SQLite file, ${CONCURRENT} clients for ${LOAD_MS / 1000} s: ${requests} requests (${[...statuses].map(([status, count]) => `${status}: ${count}`).join(', ')}), ${serverErrors} 5xx; ${during.done - sweepsBefore} sweeps done meanwhile, ${during.failed} failed; integrity ${integrity}`);
  assert.equal(serverErrors, 0, api.process.stderr().split('\n').filter((line) => line.includes('"level":50')).slice(0, 3).join('\n'));
  assert.equal(during.failed, 0, during.causes.join('; '));
  assert.ok(during.done - sweepsBefore >= 3, 'the collector kept sweeping under load');
  assert.equal(integrity, 'ok');
});
