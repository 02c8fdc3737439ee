import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import { type Spawned, spawnTsx } from '../helpers/child-processes.ts';
import { SimKrpcClient, parseHostPort } from '../helpers/sim-krpc-client.ts';

const spawnSim = (args: string[]): Spawned => spawnTsx('sim/main.ts', args);

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  test(`tsx sim/main.ts prints one JSON line, answers on loopback, and exits 0 on ${signal}`, async (t) => {
    const sim = spawnSim(['--nodes', '300', '--torrents', '5', '--seed', '7', '--min-peers', '10', '--max-peers', '5000', '--loss', '0.1', '--rtt-ms', '50']);
    t.after(() => sim.child.exitCode === null && sim.child.kill('SIGKILL'));
    const announcement = JSON.parse(await sim.firstLine) as { bootstrap: string[]; torrents: { infohash: string; peers: number }[] };
    assert.deepEqual(Object.keys(announcement), ['bootstrap', 'torrents']);
    assert.ok(announcement.bootstrap.length >= 1);
    for (const address of announcement.bootstrap) assert.match(address, /^127\.1\.\d+\.\d+:\d+$/);
    assert.equal(announcement.torrents.length, 5);
    for (const torrent of announcement.torrents) {
      assert.deepEqual(Object.keys(torrent), ['infohash', 'peers']);
      assert.match(torrent.infohash, /^[0-9a-f]{40}$/);
      assert.ok(torrent.peers >= 10 && torrent.peers <= 5000);
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
