/**
 * The collector killed with SIGKILL in the middle of writing, then restarted: the SQLite store
 * opens, every batch it was told was committed is there in full, a batch in flight is there in
 * full or not at all, and nothing is duplicated.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { openSqliteStore } from '../../store/sqlite/open-sqlite-store.ts';
import { spawnTsx } from '../helpers/child-processes.ts';
import { T0, TIMES_PER_BATCH, TORRENTS } from './fixtures/crash-writer.ts';

const folder = mkdtempSync(join(tmpdir(), 'swarmscope-crash-'));
after(() => rmSync(folder, { recursive: true, force: true }));
const path = join(folder, 'crash.db');
const BATCH_ROWS = TORRENTS * TIMES_PER_BATCH;

/** Runs the writer from batch `first`, kills it with SIGKILL once it has committed a few batches and is writing the next. */
async function writeUntilKilled(first: number): Promise<number> {
  const writer = spawnTsx('tests/store/fixtures/crash-writer.ts', [path, String(first)]);
  let committed = -1;
  await new Promise<void>((resolve, reject) => {
    writer.child.stdout!.on('data', () => {
      const numbers = [...writer.stdout().matchAll(/committed (\d+)/g)].map((match) => Number(match[1]));
      committed = numbers.at(-1) ?? -1;
      // Kill at an odd moment: a few ms after a commit, while the next batch is being written.
      if (numbers.length >= 5) setTimeout(resolve, Math.floor(Math.random() * 8));
    });
    writer.child.once('exit', (code) => reject(new Error(`writer exited with ${code}: ${writer.stderr()}`)));
  });
  await writer.stop('SIGKILL');
  return Math.max(committed, ...[...writer.stdout().matchAll(/committed (\d+)/g)].map((match) => Number(match[1])));
}

function verify(lastCommitted: number): number {
  const store = openSqliteStore(path);
  try {
    assert.equal(store.db.pragma('integrity_check', { simple: true }), 'ok');
    const perBatch = store.db.prepare(`SELECT dht_peers AS batch, count(*) AS rows, count(DISTINCT infohash || ':' || at_ms) AS distinct_rows FROM swarm GROUP BY dht_peers ORDER BY dht_peers`).all() as { batch: number; rows: number; distinct_rows: number }[];
    const present = perBatch.map((row) => row.batch);
    // Everything committed is there; at most the batch in flight beyond it, and only whole.
    for (let n = 0; n <= lastCommitted; n++) assert.ok(present.includes(n), `batch ${n} was committed and must survive`);
    assert.ok(present.every((n) => n <= lastCommitted + 1), `no batch beyond the one in flight: ${present.join(',')}`);
    for (const row of perBatch) {
      assert.equal(row.rows, BATCH_ROWS, `batch ${row.batch} is whole`);
      assert.equal(row.distinct_rows, BATCH_ROWS, `batch ${row.batch} has no duplicate`);
    }
    const stale = store.db.prepare('SELECT count(*) FROM swarm_latest AS l WHERE l.at_ms <> (SELECT max(at_ms) FROM swarm AS s WHERE s.infohash = l.infohash)').pluck().get();
    assert.equal(stale, 0, 'the newest-sample pointers agree with the rows');
    const rows = store.db.prepare('SELECT count(*) FROM swarm').pluck().get() as number;
    assert.equal(rows, perBatch.length * BATCH_ROWS);
    assert.equal(store.db.prepare('SELECT min(at_ms) FROM swarm').pluck().get(), T0);
    return Math.max(...present);
  } finally {
    store.db.close();
  }
}

it('survives SIGKILL during writes, twice, losing and duplicating nothing', async (t) => {
  const firstRun = await writeUntilKilled(0);
  const lastPresent = verify(firstRun);
  t.diagnostic(`first run: committed up to batch ${firstRun}, ${lastPresent > firstRun ? 'the batch in flight made it too' : 'the batch in flight did not'}`);
  // Restarted, the collector goes on writing to the same file.
  const secondRun = await writeUntilKilled(lastPresent + 1);
  const finalPresent = verify(secondRun);
  t.diagnostic(`second run: committed up to batch ${secondRun}; ${(finalPresent + 1) * BATCH_ROWS} rows in the store`);
});
