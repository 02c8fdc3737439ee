/**
 * The timeline as users and Grafana reach it (issue 13): `swarmscope event add|ls|import|export|rm`
 * on a real store (an import that fails anywhere changes nothing; export then import round-trips),
 * and the Grafana annotation query of the torrent and family dashboards, run on a real influxd after
 * the timeline was copied there — a deleted event leaves InfluxDB too.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createInfluxClient } from '../../store/influx/influx-client.ts';
import { exportTimeline } from '../../store/influx/influx-timeline.ts';
import { parseInfluxUrl } from '../../store/influx/influx-url.ts';
import { openInfluxStore } from '../../store/influx/influx-series-store.ts';
import { openSqliteStore } from '../../store/sqlite/open-sqlite-store.ts';
import { createFamiliesRepo } from '../../store/state/families-repo.ts';
import { createTimelineRepo } from '../../store/state/timeline-repo.ts';
import { runCli } from '../helpers/child-processes.ts';
import { influxSkip, influxdForTest } from '../helpers/influxd.ts';
import { loadDashboard } from '../grafana/grafana-dashboards.ts';
import { interpolate } from '../grafana/grafana-interpolate.ts';

const A = 'a1'.padEnd(40, '0');
const B = 'b2'.padEnd(40, '0');

test('swarmscope event: add, ls, import (all or nothing), export and re-import, rm', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'swarmscope-events-'));
  const store = ['--store', `sqlite:${join(dir, 'db.sqlite')}`];
  assert.equal((await runCli(['watch', 'add', A, '--label', 'LLaMA', ...store])).code, 0);
  const added = await runCli(['event', 'add', '--kind', 'takedown', '--title', 'DMCA notice to a mirror host', '--at', '2023-03-20T09:00:00Z', '--torrent', A, '--url', 'https://example.org/dmca', ...store]);
  assert.equal(added.code, 0, added.stderr);
  assert.match(added.stdout, /^added tl_/);
  const bad = await runCli(['event', 'add', '--kind', 'gossip', '--title', 'x', ...store]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /kind "gossip" is not one of magnet_posted, release/);

  const file = join(dir, 'events.csv');
  writeFileSync(file, 'at,kind,title,url,source,infohash,family\n2023-03-03T12:00:00Z,magnet_posted,"Magnet posted, with a comma",,forum,' + A + ',\n2023-03-04T12:00:00Z,note,"A ""quoted"" note",,me,,\n');
  const imported = await runCli(['event', 'import', file, ...store]);
  assert.equal(imported.code, 0, imported.stderr);
  assert.match(imported.stdout, /imported 2 event\(s\)/);
  writeFileSync(file, 'at,kind,title\n2023-03-05T12:00:00Z,note,fine\nnot-a-time,note,broken\n');
  const refused = await runCli(['event', 'import', file, ...store]);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /event 2: "at" must be an ISO 8601 time/);

  const listed = JSON.parse((await runCli(['event', 'ls', '--json', ...store])).stdout) as { events: { id: string; kind: string; title: string }[]; total: number };
  assert.deepEqual(listed.events.map((event) => event.title), ['Magnet posted, with a comma', 'A "quoted" note', 'DMCA notice to a mirror host'], 'the refused import stored nothing');
  const exported = await runCli(['event', 'export', '--format', 'json', ...store]);
  const other = ['--store', `sqlite:${join(dir, 'other.sqlite')}`];
  assert.equal((await runCli(['watch', 'add', A, ...other])).code, 0);
  writeFileSync(join(dir, 'export.json'), exported.stdout);
  assert.match((await runCli(['event', 'import', join(dir, 'export.json'), ...other])).stdout, /imported 3 event\(s\)/);
  const copied = JSON.parse((await runCli(['event', 'ls', '--json', '--torrent', A, ...other])).stdout) as { events: { title: string; url: string | null }[] };
  assert.deepEqual(copied.events.map((event) => [event.title, event.url]), [['Magnet posted, with a comma', null], ['DMCA notice to a mirror host', 'https://example.org/dmca']]);
  assert.equal((await runCli(['event', 'rm', listed.events[1]!.id, ...store])).code, 0);
  assert.equal((await runCli(['event', 'rm', listed.events[1]!.id, ...store])).code, 1);
});

test('the Grafana annotation queries read the timeline copied to a real influxd; a deleted event leaves it', { skip: influxSkip(), timeout: 120_000 }, async (t) => {
  const influxd = await influxdForTest(t);
  const location = parseInfluxUrl(influxd.storeUrl('annotations'), 'annotations');
  const series = openInfluxStore(location, { retention: { rawMs: 0, hourlyMs: 0, dailyMs: 0 } });
  await series.ready();
  t.after(() => series.close());
  const state = openSqliteStore(':memory:');
  t.after(() => state.close());
  state.registry.add({ infohash: A });
  state.registry.add({ infohash: B });
  const families = createFamiliesRepo(state.db);
  const family = families.create({ name: 'LLaMA 1' });
  families.attach(family.id, 'torrent', A);
  families.attach(family.id, 'torrent', B);
  const repo = createTimelineRepo(state.db);
  const nowMs = Date.now();
  const onA = repo.add({ atMs: nowMs - 3_600_000, kind: 'magnet_posted', title: 'Magnet posted', source: 'test', infohash: A }).event;
  repo.add({ atMs: nowMs - 1_800_000, kind: 'news', title: 'A story about the family', source: 'test', familyId: family.id, url: 'https://example.org/s' });
  const client = createInfluxClient(location);
  assert.deepEqual(await exportTimeline(repo, client, (id) => families.get(id)?.torrents ?? []), { written: 3, removed: 0 });
  assert.deepEqual(await exportTimeline(repo, client, () => []), { written: 0, removed: 0 }, 'nothing twice');

  const run = async (file: string, selection: string) => {
    const dashboard = loadDashboard(file);
    const annotation = (dashboard as unknown as { annotations: { list: { target: { query: string } }[] } }).annotations.list[0]!;
    const variables = dashboard.templating.list.map((variable) => ({ variable, selection: variable.name === 'rp' ? 'raw' : selection }));
    const query = interpolate(annotation.target.query, { fromMs: nowMs - 86_400_000, toMs: nowMs, variables });
    const response = await fetch(`${influxd.url}/query?${new URLSearchParams({ db: 'annotations', q: query, epoch: 'ms' })}`);
    const result = ((await response.json()) as { results: { series?: { columns: string[]; values: unknown[][] }[] }[] }).results[0]!;
    const rows = (result.series ?? []).flatMap((entry) => entry.values.map((row) => Object.fromEntries(entry.columns.map((column, index) => [column, row[index]]))));
    return rows.map((row) => [row.time, row.title, row.kind]);
  };
  assert.deepEqual(await run('torrent-detail.json', B), [[nowMs - 1_800_000, 'A story about the family', 'news']], 'B shows its family\'s event only');
  assert.deepEqual(await run('torrent-detail.json', A), [[nowMs - 3_600_000, 'Magnet posted', 'magnet_posted'], [nowMs - 1_800_000, 'A story about the family', 'news']]);
  assert.deepEqual((await run('family.json', [A, B] as unknown as string)).map(([, title]) => title).sort(), ['A story about the family', 'A story about the family', 'Magnet posted']);

  repo.remove(onA.id);
  assert.deepEqual(await exportTimeline(repo, client, () => []), { written: 0, removed: 1 });
  assert.deepEqual(await run('torrent-detail.json', A), [[nowMs - 1_800_000, 'A story about the family', 'news']]);
});
