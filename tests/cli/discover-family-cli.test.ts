/**
 * `swarmscope discover --once --json`, `discoveries ls` and `family add|attach|detach|ls|rm` as a
 * user runs them, against a sim with a catalogue in its own process (DESIGN.md §3 shapes).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli, startApiProcess, startSimProcess } from '../helpers/child-processes.ts';

test('discover --once --json finds the catalogue\'s models; discoveries ls and family commands read and edit the same store', { timeout: 180_000 }, async (t) => {
  const sim = await startSimProcess(t, ['--nodes', '400', '--torrents', '0', '--seed', '11', '--catalogue', '40']);
  const dir = mkdtempSync(join(tmpdir(), 'swarmscope-discover-'));
  const store = `sqlite:${join(dir, 'db.sqlite')}`;
  const common = ['--store', store, '--data-dir', dir, '--bootstrap', sim.bootstrap.join(','), '--allow-private-addresses', '--dht-loopback-only', '--log-level', 'silent'];
  const run = await runCli(['discover', '--once', '--json', '--discovery-rate', '200', '--max-duration', '90s', ...common], { timeoutMs: 150_000 });
  assert.equal(run.code, 0, run.stderr);
  const found = JSON.parse(run.stdout) as { discoveries: { infohash: string; name: string; score: number; reasons: string[]; foundBy: string; firstSeenAt: string }[]; run: { queries: number } };
  const names = found.discoveries.map((discovery) => discovery.name).sort();
  assert.deepEqual(names, ['LLaMA', 'Mistral-7B-v0.1', 'llama-2-13b-chat.Q4_K_M.gguf', 'llama-weights-7b-13b', 'qwen2-7b-instruct-q4_k_m.gguf']);
  for (const discovery of found.discoveries) {
    assert.equal(discovery.foundBy, 'sample');
    assert.ok(discovery.reasons.length > 0 && !Number.isNaN(Date.parse(discovery.firstSeenAt)));
  }
  assert.ok(found.run.queries > 0);

  const listed = JSON.parse((await runCli(['discoveries', 'ls', '--json', '--min-score', '0.9', '--store', store])).stdout) as { discoveries: { score: number }[]; total: number };
  assert.ok(listed.total >= 1 && listed.discoveries.every((discovery) => discovery.score >= 0.9));
  const badScore = await runCli(['discoveries', 'ls', '--min-score', 'high', '--store', store]);
  assert.equal(badScore.code, 2);
  assert.match(badScore.stderr, /--min-score must be a number in \[0, 1\]/);

  // Families over watched torrents: the two LLaMA torrents, watched by hand.
  const llama = found.discoveries.filter((discovery) => /llama-weights|^LLaMA$/.test(discovery.name)).map((discovery) => discovery.infohash);
  for (const infohash of llama) assert.equal((await runCli(['watch', 'add', infohash, '--store', store])).code, 0);
  const refused = await runCli(['family', 'add', 'LLaMA 1', '--torrent', llama[0]!, '--torrent', 'f'.repeat(40), '--store', store]);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /is not on the watchlist/);
  const added = await runCli(['family', 'add', 'LLaMA 1', '--torrent', llama[0]!, '--description', 'March 2023', '--store', store]);
  assert.equal(added.code, 0, added.stderr);
  const id = /added (fam_\S+)/.exec(added.stdout)![1]!;
  assert.equal((await runCli(['family', 'attach', id, llama[1]!, '--store', store])).code, 0);
  let families = JSON.parse((await runCli(['family', 'ls', '--json', '--store', store])).stdout) as { families: { id: string; torrents: string[] }[]; total: number };
  assert.deepEqual(families.families.map((family) => [family.id, family.torrents.length]), [[id, 2]]);
  assert.equal((await runCli(['family', 'detach', id, llama[0]!, '--store', store])).code, 0);
  families = JSON.parse((await runCli(['family', 'ls', '--json', '--store', store])).stdout);
  assert.deepEqual(families.families[0]!.torrents, [llama[1]]);
  assert.equal((await runCli(['family', 'rm', id, '--store', store])).code, 0);
  assert.equal((await runCli(['family', 'rm', id, '--store', store])).code, 1);

  // A rules file with an error stops discover before it joins the DHT: exit 2, the place named.
  const rules = join(dir, 'rules.json');
  writeFileSync(rules, JSON.stringify({ rules: [{ id: 'x', kind: 'weight-file', pattern: '(', weight: 0.5 }] }));
  const badRules = await runCli(['discover', '--once', '--classifier-rules', rules, ...common]);
  assert.equal(badRules.code, 2);
  assert.match(badRules.stderr, /rules\[0\]\.pattern is not a valid regular expression/);
});

test('start --discover runs the crawler beside the collector: its discoveries appear in the API', { timeout: 120_000 }, async (t) => {
  const sim = await startSimProcess(t, ['--nodes', '300', '--torrents', '1', '--seed', '21', '--catalogue', '20']);
  const dir = mkdtempSync(join(tmpdir(), 'swarmscope-start-discover-'));
  const api = await startApiProcess(t, [
    'start', '--discover', '--discovery-rate', '200', '--store', `sqlite:${join(dir, 'db.sqlite')}`, '--data-dir', dir, '--bootstrap', sim.bootstrap.join(','),
    '--allow-private-addresses', '--dht-loopback-only', '--watch', sim.torrents[0]!.infohash, '--probe-sample-size', '0',
  ]);
  let discoveries: { name: string; foundBy: string }[] = [];
  for (let attempt = 0; attempt < 300 && discoveries.length < 5; attempt++) {
    discoveries = ((await (await fetch(`${api.url}/api/v1/discoveries?minScore=0.5`)).json()) as { discoveries: { name: string; foundBy: string }[] }).discoveries;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  assert.deepEqual(discoveries.map((discovery) => discovery.name).sort(), ['LLaMA', 'Mistral-7B-v0.1', 'llama-2-13b-chat.Q4_K_M.gguf', 'llama-weights-7b-13b', 'qwen2-7b-instruct-q4_k_m.gguf']);
  const bad = await fetch(`${api.url}/api/v1/discoveries?minScore=2`);
  assert.equal(bad.status, 400);
});
