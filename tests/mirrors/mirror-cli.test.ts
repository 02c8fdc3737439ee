/**
 * The CLI as a user runs it, against one store file and a real loopback mirror server:
 * `swarmscope mirror add | ls | rm` (the outbound guard, one-line errors with exit codes), and
 * `collect --once` doing one check of every mirror (DESIGN.md §3) — the registered ones and the web
 * seed (BEP 19 `url-list`) of a watched .torrent, which becomes a mirror by itself — with the DHT of
 * a small loopback sim.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runCli, startSimProcess } from '../helpers/child-processes.ts';
import { buildMultiFileTorrent, withWebSeeds, type MultiFileTorrent } from './multi-file-torrent.ts';
import { startMirrorServer, type MirrorServer } from './mirror-server.ts';

interface MirrorListJson {
  mirrors: { id: string; url: string; source: string; state: string; label: string | null; latest: { verification: { verified: number; failed: number } | null } | null }[];
  total: number;
}

let server: MirrorServer;
let torrent: MultiFileTorrent;
before(async () => {
  torrent = buildMultiFileTorrent();
  server = await startMirrorServer(torrent);
});
after(() => server.close());

test('mirror add / ls / rm, and collect --once checking every mirror, web seeds included', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'swarmscope-mirror-cli-'));
  const store = ['--store', `sqlite:${join(dir, 'db.sqlite')}`];
  const env = { SWARMSCOPE_ALLOW_PRIVATE_TARGETS: '127.0.0.0/8,::1/128' };
  // The web seed lies outside `info`: the same infohash with or without it.
  const torrentPath = join(dir, 'llama-mini.torrent');
  writeFileSync(torrentPath, withWebSeeds(torrent, [`${server.base}/headless/`]));
  const watchlist = join(dir, 'watchlist.json');
  writeFileSync(watchlist, JSON.stringify([{ torrent: 'llama-mini.torrent', label: 'llama-mini' }]));
  const [sim, watched] = await Promise.all([startSimProcess(t, ['--nodes', '30', '--torrents', '1', '--seed', '5']), runCli(['watch', 'add', torrentPath, ...store])]);
  assert.equal(watched.code, 0, watched.stderr);

  const [good, tampered, refused, badFile, missing] = await Promise.all([
    runCli(['mirror', 'add', `${server.base}/good/`, '--infohash', torrent.infohash, '--label', 'volunteer', ...store], { env }),
    runCli(['mirror', 'add', `${server.base}/tampered/`, '--infohash', torrent.infohash, ...store], { env }),
    runCli(['mirror', 'add', `${server.base}/good/`, ...store]),
    runCli(['mirror', 'add', `${server.base}/good/x`, '--infohash', torrent.infohash, '--file', 'nope.bin', ...store], { env }),
    runCli(['mirror', 'rm', 'mir_nope', ...store]),
  ]);
  assert.equal(good.code, 0, good.stderr);
  assert.equal(tampered.code, 0, tampered.stderr);
  const id = /^added (mir_\S+) /.exec(good.stdout)?.[1];
  assert.ok(id, good.stdout);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /127\.0\.0\.1 is a loopback address.*SWARMSCOPE_ALLOW_PRIVATE_TARGETS \[unsafe_target\]/);
  assert.equal(badFile.code, 2);
  assert.match(badFile.stderr, /--file: "nope.bin" is not a file of torrent/);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /no mirror mir_nope \[not_found\]/);

  const collected = await runCli(
    ['collect', '--once', '--json', ...store, '--watch', watchlist, '--bootstrap', sim.bootstrap.join(','), '--allow-private-addresses', '--dht-loopback-only', '--probe-sample-size', '0'],
    { env: { ...env, SWARMSCOPE_MIRROR_VERIFY_PIECES: '5' } },
  );
  t.diagnostic(`collect --once took ${collected.durationMs} ms`);
  assert.equal(collected.code, 0, collected.stderr);
  const [listed, table] = await Promise.all([runCli(['mirror', 'ls', '--json', ...store]), runCli(['mirror', 'ls', ...store])]);
  const checked = new Map((JSON.parse(listed.stdout) as MirrorListJson).mirrors.map((mirror) => [mirror.url.replace(server.base, ''), mirror]));
  assert.deepEqual([...checked.keys()].sort(), ['/good/', '/headless/', '/tampered/']);
  assert.equal(checked.get('/headless/')?.source, 'web_seed');
  assert.equal(checked.get('/headless/')?.state, 'up');
  assert.equal(checked.get('/good/')?.state, 'up');
  assert.equal(checked.get('/good/')?.latest?.verification?.verified, 5);
  assert.equal(checked.get('/tampered/')?.state, 'content_differs');
  assert.equal(checked.get('/tampered/')?.latest?.verification?.failed, 5);
  assert.match(table.stdout, /^ID +STATE +STATUS +PIECES OK\/BAD +URL +LABEL\n/);
  assert.match(table.stdout, new RegExp(`${id} +up +200 +5/0 +${server.base}/good/ +volunteer`));

  const removed = await runCli(['mirror', 'rm', id!, ...store]);
  assert.equal(removed.code, 0);
  assert.match(removed.stdout, new RegExp(`stopped checking ${id}`));
});
