/**
 * The CLI as a user runs it: watch add/ls/rm, bad input with a one-line error and exit 2, and
 * `start` while the DHT is unreachable (the API stays up; /readyz says why; the collector retries).
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { closedUdpPort, runCli, startApiProcess } from '../helpers/child-processes.ts';

const LLAMA = 'b8287ebfa04f879b048d4d4404108cf3e8014352';

test('watch add / ls / rm manage the persisted watchlist; history is kept', async () => {
  const store = `sqlite:${join(mkdtempSync(join(tmpdir(), 'swarmscope-cli-')), 'db.sqlite')}`;
  const added = await runCli(['watch', 'add', `magnet:?xt=urn:btih:${LLAMA}&dn=LLaMA`, '--label', 'LLaMA leak', '--store', store]);
  assert.equal(added.code, 0, added.stderr);
  assert.match(added.stdout, new RegExp(`watching ${LLAMA} \\(LLaMA leak\\)`));
  const again = await runCli(['watch', 'add', LLAMA.toUpperCase(), '--store', store]);
  assert.match(again.stdout, /already watching/);
  const listed = await runCli(['watch', 'ls', '--json', '--store', store]);
  const json = JSON.parse(listed.stdout) as { torrents: { infohash: string; label: string; source: string }[]; total: number };
  assert.deepEqual(json.torrents.map((torrent) => [torrent.infohash, torrent.label, torrent.source]), [[LLAMA, 'LLaMA leak', 'cli']]);
  const removed = await runCli(['watch', 'rm', LLAMA, '--store', store]);
  assert.equal(removed.code, 0);
  assert.equal(JSON.parse((await runCli(['watch', 'ls', '--json', '--store', store])).stdout).total, 0);
  const missing = await runCli(['watch', 'rm', LLAMA, '--store', store]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /is not on the watchlist \[not_found\]/);
});

test('bad input: one line naming the problem, exit 2, nothing changed', async () => {
  const store = `sqlite:${join(mkdtempSync(join(tmpdir(), 'swarmscope-cli-')), 'db.sqlite')}`;
  const cases: [string[], RegExp][] = [
    [['watch', 'add', 'magnet:?xt=urn:btih:1234', '--store', store], /invalid magnet URI: the btih hash .*4 characters \[invalid_magnet\]/],
    [['watch', 'add', 'nothex', '--store', store], /not an infohash.*\[invalid_infohash\]/],
    [['collect', '--once', '--store', store, '--port', 'eighty'], /--port|port/],
    [['collect', '--once', '--store', 'postgres://x', '--watch', LLAMA], /store URL .* is not understood.*\[invalid_store_url\]/],
  ];
  for (const [args, message] of cases) {
    const result = await runCli(args);
    assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr.trim().split('\n')[0]!, message, args.join(' '));
  }
  assert.equal(JSON.parse((await runCli(['watch', 'ls', '--json', '--store', store])).stdout).total, 0);
});

test('start with an unreachable DHT keeps the API up and says why on /readyz', async (t) => {
  const port = await closedUdpPort();
  const dir = mkdtempSync(join(tmpdir(), 'swarmscope-start-'));
  const api = await startApiProcess(t, ['start', '--store', `sqlite:${join(dir, 'db.sqlite')}`, '--data-dir', dir, '--bootstrap', `127.0.0.1:${port}`, '--allow-private-addresses', '--dht-loopback-only', '--bootstrap-timeout', '1500', '--watch', LLAMA]);
  assert.equal((await fetch(`${api.url}/healthz`)).status, 200);
  let ready: { status: number; body: string } = { status: 0, body: '' };
  for (let attempt = 0; attempt < 100; attempt++) {
    const response = await fetch(`${api.url}/readyz`);
    ready = { status: response.status, body: await response.text() };
    if (ready.body.includes('DHT unreachable')) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  assert.equal(ready.status, 503, ready.body);
  assert.match(ready.body, new RegExp(`DHT unreachable: .*127\\.0\\.0\\.1:${port}.*retrying in 5 s`));
  const torrents = (await (await fetch(`${api.url}/api/v1/torrents`)).json()) as { torrents: { infohash: string; latest: unknown }[] };
  assert.deepEqual(torrents.torrents.map((torrent) => [torrent.infohash, torrent.latest]), [[LLAMA, null]], 'watched, not yet measured');
  assert.equal(await api.process.stop(), 0);
});
