import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import { type Spawned, spawnTsx } from '../helpers/child-processes.ts';
import { HOSTILE_BEHAVIOURS, type SimCommandAnnouncement } from '../../sim/index.ts';
import { SimKrpcClient, parseHostPort } from '../helpers/sim-krpc-client.ts';

const spawnSim = (args: string[]): Spawned => spawnTsx('sim/main.ts', args);

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  test(`tsx sim/main.ts prints one JSON line, answers on loopback, and exits 0 on ${signal}`, async (t) => {
    const sim = spawnSim(['--nodes', '300', '--torrents', '5', '--seed', '7', '--min-peers', '10', '--max-peers', '5000', '--loss', '0.1', '--rtt-ms', '50']);
    t.after(() => sim.child.exitCode === null && sim.child.kill('SIGKILL'));
    const announcement = JSON.parse(await sim.firstLine) as SimCommandAnnouncement;
    assert.deepEqual(Object.keys(announcement), ['bootstrap', 'bootstrap6', 'torrents', 'hostile']);
    assert.deepEqual([announcement.bootstrap6, announcement.hostile], [[], []]);
    assert.ok(announcement.bootstrap.length >= 1);
    for (const address of announcement.bootstrap) assert.match(address, /^127\.1\.\d+\.\d+:\d+$/);
    assert.equal(announcement.torrents.length, 5);
    for (const torrent of announcement.torrents) {
      assert.deepEqual(Object.keys(torrent), ['infohash', 'peers', 'peersV6', 'seeds', 'seedsV6', 'stored', 'corroborable']);
      // The friendly profile caps nothing: every holder stores the whole swarm.
      assert.deepEqual([torrent.stored, torrent.corroborable], [torrent.peers + torrent.peersV6, torrent.peers + torrent.peersV6]);
      assert.match(torrent.infohash, /^[0-9a-f]{40}$/);
      assert.ok(torrent.peers >= 10 && torrent.peers <= 5000);
      assert.equal(torrent.peersV6, 0);
    }
    const client = await SimKrpcClient.open();
    t.after(() => client.close());
    // 10% loss: ask a few times.
    let answered = false;
    for (let attempt = 0; attempt < 10 && !answered; attempt++) {
      answered = (await client.query(parseHostPort(announcement.bootstrap[0]!), 'ping', {}, { timeoutMs: 500 }))?.kind === 'response';
    }
    assert.ok(answered, 'a bootstrap node answered ping');
    const exited = once(sim.child, 'exit');
    sim.child.kill(signal);
    const [code] = (await exited) as [number | null];
    assert.equal(code, 0, sim.stderr());
    assert.equal(sim.stdout().trim().split('\n').length, 1, 'exactly one line on stdout');
  });
}

test('the same --seed prints the same torrents', async (t) => {
  const lines: string[] = [];
  for (let run = 0; run < 2; run++) {
    const sim = spawnSim(['--nodes', '20', '--torrents', '3', '--seed', '42', '--bind-host-base', `127.${20 + run}`]);
    t.after(() => sim.child.exitCode === null && sim.child.kill('SIGKILL'));
    lines.push(JSON.stringify((JSON.parse(await sim.firstLine) as { torrents: unknown }).torrents));
    const exited = once(sim.child, 'exit');
    sim.child.kill('SIGTERM');
    await exited;
  }
  assert.equal(lines[0], lines[1]);
});

test('bad arguments give a one-line error and a non-zero exit', async () => {
  const sim = spawnSim(['--nodes', 'many']);
  const [code] = (await once(sim.child, 'exit')) as [number | null];
  assert.notEqual(code, 0);
  assert.match(sim.stderr(), /--nodes must be a number/);
  assert.equal(sim.stdout(), '');
});

test('--ipv6 prints bootstrap6 and IPv6 peer counts; --hostile lists the hostile nodes', async (t) => {
  const sim = spawnSim(['--nodes', '100', '--torrents', '3', '--seed', '8', '--ipv6', '--hostile', '0.1', '--bind-host-base', '127.22']);
  t.after(() => sim.stop('SIGKILL'));
  const announcement = JSON.parse(await sim.firstLine) as SimCommandAnnouncement;
  assert.equal(announcement.bootstrap6.length, announcement.bootstrap.length);
  for (const address of announcement.bootstrap6) assert.match(address, /^\[::1\]:\d+$/);
  assert.ok(announcement.torrents.every((torrent) => torrent.peersV6 > 0 && torrent.seedsV6 <= torrent.peersV6));
  assert.equal(announcement.hostile.length, 10);
  assert.deepEqual(new Set(announcement.hostile.map((node) => node.behaviour)), new Set(HOSTILE_BEHAVIOURS));
  assert.ok(announcement.hostile.every((node) => node.host.startsWith('127.22.') && node.port > 0 && node.port6! > 0));
  const client = await SimKrpcClient.open('::1');
  t.after(() => client.close());
  assert.equal((await client.query(parseHostPort(announcement.bootstrap6[0]!), 'ping', {}, { readOnly: true }))?.kind, 'response');
  assert.equal(await sim.stop('SIGTERM'), 0, sim.stderr());
});

test('--hostile-behaviours picks the behaviours; an unknown one is a usage error', async (t) => {
  const sim = spawnSim(['--nodes', '40', '--torrents', '1', '--hostile', '0.5', '--hostile-behaviours', 'fabricate,bogon', '--bind-host-base', '127.23']);
  t.after(() => sim.stop('SIGKILL'));
  const announcement = JSON.parse(await sim.firstLine) as SimCommandAnnouncement;
  assert.equal(announcement.hostile.length, 20);
  assert.deepEqual(new Set(announcement.hostile.map((node) => node.behaviour)), new Set(['fabricate', 'bogon']));
  assert.equal(await sim.stop('SIGTERM'), 0);
  const bad = spawnSim(['--nodes', '5', '--hostile', '0.5', '--hostile-behaviours', 'rude']);
  const [code] = (await once(bad.child, 'exit')) as [number | null];
  assert.equal(code, 64);
  assert.match(bad.stderr(), /unknown hostile behaviour "rude"/);
});
