/**
 * The event timeline (issue 13): the repo's validation and idempotence, the REST routes (token on
 * writes, refusals that change nothing, a torrent's view including its families' events, CSV),
 * events swarmscope records by itself from mirror and discovery facts, and the shipped LLaMA dates.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_WATCHLIST_PATH, loadWatchlists } from '../../collector/watchlist/load-watchlist.ts';
import { emitDomainEvent } from '../../store/state/domain-events.ts';
import { createFamiliesRepo } from '../../store/state/families-repo.ts';
import { importFamilies } from '../../store/state/import-families.ts';
import { importShippedTimeline } from '../../store/state/import-timeline.ts';
import { parseTimelineFile, timelineToCsv } from '../../store/state/timeline-files.ts';
import { createTimelineRepo, validateTimelineEvent } from '../../store/state/timeline-repo.ts';
import { A, AUTH, B, NOW, errorOf, makeTestApp, type TestApp } from '../api/test-app.ts';

const DAY = 86_400_000;

describe('the event timeline', () => {
  let t: TestApp;
  let familyId: string;
  const changes = () => (t.store.db.prepare('SELECT total_changes() AS n').get() as { n: number }).n;

  before(async () => {
    t = await makeTestApp();
    t.store.registry.add({ infohash: A, label: 'LLaMA' });
    t.store.registry.add({ infohash: B, label: 'LLaMA re-pack' });
    const families = createFamiliesRepo(t.store.db);
    familyId = families.create({ name: 'LLaMA 1' }).id;
    families.attach(familyId, 'torrent', A);
  });
  after(() => t.close());

  it('validates every field and names the problem; a batch with one bad event stores none', () => {
    const repo = createTimelineRepo(t.store.db);
    const good = { atMs: NOW - DAY, kind: 'news', title: 'A story', source: 'test', url: 'https://example.org/story' };
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ kind: 'rumour' }, /kind "rumour" is not one of/],
      [{ title: '   ' }, /title must be 1 to 300/],
      [{ url: 'javascript:alert(1)' }, /URL must be http or https/],
      [{ url: 'not a url' }, /is not a URL/],
      [{ atMs: Number.NaN }, /not a date/],
      [{ infohash: 'XYZ' }, /not 40 lowercase hex/],
      [{ familyId: 'fam_missing' }, /no family "fam_missing"/],
      [{ infohash: A, familyId }, /a torrent or a family, not both/],
    ];
    for (const [change, message] of cases) assert.throws(() => repo.add({ ...good, ...change } as never), (error: Error) => message.test(error.message), JSON.stringify(change));
    // Control characters (a newline would end an InfluxDB line) become spaces, in the source as in the title.
    const cleaned = validateTimelineEvent({ ...good, title: 'two\nlines', source: 'a\r\nb\u0000c' }, 'event', () => true);
    assert.deepEqual([cleaned.title, cleaned.source], ['two lines', 'a b c']);
    const before = changes();
    assert.throws(() => repo.importMany([good, { ...good, kind: 'nope' }]), /event 2: kind "nope"/);
    assert.equal(changes(), before, 'nothing stored');
  });

  it('imports idempotently, and a deleted event stays deleted on re-import', () => {
    const repo = createTimelineRepo(t.store.db);
    const events = [
      { atMs: NOW - 3 * DAY, kind: 'magnet_posted', title: 'Magnet posted', source: 'test', infohash: A },
      { atMs: NOW - 2 * DAY, kind: 'takedown', title: 'DMCA notice', source: 'test', familyId },
    ];
    assert.deepEqual(repo.importMany(events), { added: 2, skipped: 0 });
    assert.deepEqual(repo.importMany(events), { added: 0, skipped: 2 });
    const posted = repo.list({ infohash: A }).events.find((event) => event.kind === 'magnet_posted')!;
    assert.ok(repo.remove(posted.id));
    assert.deepEqual(repo.importMany(events), { added: 0, skipped: 2 });
    assert.equal(repo.get(posted.id), undefined);
  });

  it('the API: a token for writes, 201 then 200 for the same event, refusals change nothing, a torrent sees its families\' events, CSV', async () => {
    const body = { at: new Date(NOW - DAY).toISOString(), kind: 'note', title: 'Seeders jumped after a Reddit post', infohash: A, url: 'https://example.org/r' };
    assert.equal((await t.app.inject({ method: 'POST', url: '/api/v1/events/timeline', payload: body })).statusCode, 401);
    const first = await t.app.inject({ method: 'POST', url: '/api/v1/events/timeline', payload: body, headers: AUTH });
    assert.equal(first.statusCode, 201, first.body);
    assert.equal(first.json().source, 'api');
    assert.equal((await t.app.inject({ method: 'POST', url: '/api/v1/events/timeline', payload: body, headers: AUTH })).statusCode, 200);
    for (const [bad, message] of [
      [{ ...body, at: 'yesterday' }, /body\/at: "yesterday" is not an ISO 8601 time/],
      [{ ...body, family: 'fam_missing', infohash: undefined }, /no family "fam_missing"/],
      [{ ...body, kind: 'gossip' }, /body\/kind/],
      [{ ...body, extra: 1 }, /body\/extra is not a known field/],
    ] as const) {
      const before = changes();
      const response = await t.app.inject({ method: 'POST', url: '/api/v1/events/timeline', payload: bad, headers: AUTH });
      assert.equal(response.statusCode, 400, JSON.stringify(bad));
      assert.match(errorOf(response).message, message);
      assert.equal(changes(), before);
    }
    const aboutA = (await t.app.inject({ url: `/api/v1/events/timeline?infohash=${A}` })).json() as { events: { kind: string; family: string | null }[] };
    assert.deepEqual(aboutA.events.map((event) => event.kind), ['takedown', 'note'], 'the family\'s takedown and the torrent\'s note (the deleted magnet is gone)');
    const aboutB = (await t.app.inject({ url: `/api/v1/events/timeline?infohash=${B}` })).json() as { events: unknown[] };
    assert.equal(aboutB.events.length, 0, 'B is in no family');
    const family = (await t.app.inject({ url: `/api/v1/events/timeline?family=${familyId}` })).json() as { events: { kind: string }[] };
    assert.deepEqual(family.events.map((event) => event.kind), ['takedown', 'note'], 'a family sees its torrents\' events too');
    const csv = await t.app.inject({ url: '/api/v1/events/timeline?format=csv' });
    assert.match(String(csv.headers['content-type']), /^text\/csv/);
    const parsed = parseTimelineFile(csv.body, 'export.csv', 'x', (id) => id);
    assert.deepEqual(parsed.map((event) => event.title), ['DMCA notice', 'Seeders jumped after a Reddit post']);
    const id = (first.json() as { id: string }).id;
    assert.equal((await t.app.inject({ method: 'DELETE', url: `/api/v1/events/timeline/${id}` })).statusCode, 401);
    assert.equal((await t.app.inject({ method: 'DELETE', url: `/api/v1/events/timeline/${id}`, headers: AUTH })).statusCode, 204);
    assert.equal((await t.app.inject({ method: 'DELETE', url: `/api/v1/events/timeline/${id}`, headers: AUTH })).statusCode, 404);
  });

  it('a mirror going down, taken down (451) or back, and a discovery, become timeline events by themselves', () => {
    const at = NOW - 5 * DAY;
    emitDomainEvent(t.store.db, { type: 'mirror.down', subject: 'mir_1', occurredAtMs: at, data: { url: 'https://mirror.example/llama.tar', infohash: A, status: 503 } });
    emitDomainEvent(t.store.db, { type: 'mirror.taken_down', subject: 'mir_1', occurredAtMs: at + 1000, data: { url: 'https://mirror.example/llama.tar', infohash: A, status: 451, legal: true } });
    emitDomainEvent(t.store.db, { type: 'mirror.back', subject: 'mir_1', occurredAtMs: at + 2000, data: { url: 'https://mirror.example/llama.tar', infohash: A } });
    emitDomainEvent(t.store.db, { type: 'discovery.new', subject: B, occurredAtMs: at + 3000, data: { name: 'llama-7b-repack' } });
    emitDomainEvent(t.store.db, { type: 'torrent.metadata', subject: A, occurredAtMs: at + 4000, data: {} });
    const events = createTimelineRepo(t.store.db).list({ fromMs: at, toMs: at + 10_000 }).events;
    assert.deepEqual(events.map((event) => [event.kind, event.title, event.source, event.infohash]), [
      ['mirror_down', 'Mirror down: mirror.example (HTTP 503)', 'mirror-checker', A],
      ['takedown', 'Mirror taken down for legal reasons (HTTP 451): mirror.example', 'mirror-checker', A],
      ['mirror_back', 'Mirror back: mirror.example', 'mirror-checker', A],
      ['discovery', 'Discovered on the DHT: llama-7b-repack', 'discovery', B],
    ]);
  });

  it('ships the LLaMA leak\'s key dates, each with a source, about the shipped LLaMA family or torrent; re-importing adds nothing', () => {
    const db = t.store.db;
    const entries = loadWatchlists([DEFAULT_WATCHLIST_PATH]);
    t.store.registry.importEntries(entries);
    importFamilies(db, t.store.registry, entries);
    const first = importShippedTimeline(db);
    assert.equal(first.added, 6);
    assert.deepEqual(importShippedTimeline(db), { added: 0, skipped: 6 });
    const llama = createFamiliesRepo(db).findByName('LLaMA 1 (March 2023 leak)')!;
    const shipped = createTimelineRepo(db).list({ fromMs: Date.UTC(2023, 0, 1), toMs: Date.UTC(2023, 11, 31) }).events;
    assert.deepEqual(shipped.map((event) => [new Date(event.atMs).toISOString().slice(0, 10), event.kind, event.familyId ?? event.infohash]), [
      ['2023-02-24', 'release', llama.id],
      ['2023-03-03', 'magnet_posted', 'cdee3052d85c697b84f4c1192f43a2276c0daea0'],
      ['2023-03-08', 'news', llama.id],
      ['2023-03-20', 'takedown', llama.id],
      ['2023-06-06', 'news', llama.id],
      ['2023-07-18', 'release', llama.id],
    ]);
    for (const event of shipped) assert.match(event.url ?? '', /^https:\/\//, `${event.title} cites a source`);
    assert.match(timelineToCsv(shipped), /^at,kind,title,url,source,infohash,family\n2023-02-24T12:00:00.000Z,release,/);
  });
});
