/**
 * Two mirrors of the first seeded torrent, as the mirror checker would leave them after a week of
 * hourly checks: one up and verified, one taken down by an HTTP 451 two days ago (with its state
 * change as an alert event). Written through the mirror store's own repositories.
 */
import type Database from 'better-sqlite3';
import type { MirrorCheck } from '../../store/mirror-check.ts';
import { createMirrorRegistry } from '../../store/mirror-registry.ts';
import { createSqliteMirrorSeries } from '../../store/mirror-series-sqlite.ts';
import type { MirrorSample } from '../../store/mirror-series.ts';
import { createMirrorStateRepo, initialMirrorState } from '../../store/mirror-state-repo.ts';
import { openAlertingState } from '../../store/state/alerting-state.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const BYTES = 235_164_838_073;

function check(atMs: number, up: boolean): MirrorCheck {
  const status = up ? 200 : 451;
  return {
    atMs,
    outcome: up ? 'ok' : 'gone',
    up,
    status,
    latencyMs: up ? 84 : 61,
    bytes: up ? BYTES : null,
    etag: up ? '"5f1c-llama"' : null,
    lastModified: null,
    legalTakedown: !up,
    probes: [],
    sizeMismatches: [],
    verification: up ? { pieces: [], verified: 2, failed: 0, skipped: null } : null,
    error: null,
  };
}

export async function seedMirrors(db: Database.Database, infohash: string, nowMs: number): Promise<{ upId: string; downId: string }> {
  const registry = createMirrorRegistry(db);
  const states = createMirrorStateRepo(db);
  const series = createSqliteMirrorSeries(db);
  const up = registry.add({ url: 'https://mirror.example/llama/', infohash, label: 'Volunteer mirror', source: 'api' }, nowMs - 8 * DAY).mirror;
  const down = registry.add({ url: 'https://cdn.example/presigned/llama.tar', infohash, label: 'Presigned CDN link', source: 'api' }, nowMs - 8 * DAY).mirror;
  const takedownMs = nowMs - 2 * DAY;
  const samples: MirrorSample[] = [];
  for (let atMs = nowMs - 7 * DAY; atMs < nowMs; atMs += HOUR) {
    samples.push({ mirrorId: up.id, atMs, values: { up: 1, status: 200, latency_ms: 70 + ((atMs / HOUR) % 24), bytes: BYTES, pieces_verified: 2, pieces_failed: 0 } });
    const alive = atMs < takedownMs;
    samples.push({ mirrorId: down.id, atMs, values: { up: alive ? 1 : 0, status: alive ? 200 : 451, latency_ms: alive ? 40 : 61 } });
  }
  await series.writeMirrorSamples(samples);
  const latest = nowMs - 30 * 60_000;
  states.commit({ ...initialMirrorState(up.id), state: 'up', stateSinceMs: nowMs - 7 * DAY, everUp: true, contentBytes: BYTES, verifiedAtMs: latest, lastCheck: check(latest, true) }, []);
  states.commit({ ...initialMirrorState(down.id), state: 'taken_down', stateSinceMs: takedownMs, everUp: true, lastCheck: check(latest, false) }, []);
  const body = JSON.stringify({ type: 'mirror.taken_down', timestamp: new Date(takedownMs).toISOString(), data: { url: down.url, label: down.label, infohash, status: 451, reason: 'legal takedown (HTTP 451 Unavailable For Legal Reasons)' } });
  openAlertingState(db).events.record({ id: 'evt_fixture_takedown', type: 'mirror.taken_down', ruleId: null, subject: down.id, occurredAtMs: takedownMs, body }, takedownMs);
  return { upId: up.id, downId: down.id };
}
