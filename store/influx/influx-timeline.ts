/**
 * The timeline's copy in InfluxDB, for Grafana's annotations (issue 13): measurement `timeline` in
 * the raw policy, tags `id`, `kind`, `infohash`, `family`, fields `title`, `url`,
 * `source`, at the event's time (a tag with no value is left out). The state database stays the source of truth; `exportTimeline`
 * copies what is new and removes what was deleted, and marks both done, so a store that was down
 * catches up on the next pass. Run by `start` and `serve` on an InfluxDB store (startTimelineExport).
 */
import type { Logger } from '../../core/logger.ts';
import { describeError } from '../../core/errors.ts';
import type { TimelineRepo } from '../state/timeline-repo.ts';
import type { InfluxClient } from './influx-client.ts';
import { RAW_POLICY } from './influx-schema.ts';
import type { InfluxPoint } from './line-protocol.ts';

export const TIMELINE_MEASUREMENT = 'timeline';
const BATCH = 500;
export const TIMELINE_EXPORT_INTERVAL_MS = 5_000;

/** Ids are swarmscope's own (`tl_` + base64url): anything else is never put into a statement. */
const SAFE_ID = /^[A-Za-z0-9_-]{1,100}$/;

/**
 * One pass; returns how many events were written and removed. Throws when InfluxDB is unreachable
 * (nothing is marked then). A family's event is written once per member torrent (tag `infohash`),
 * so a dashboard filtering on its torrents shows it; members attached later do not get it.
 */
export async function exportTimeline(repo: TimelineRepo, client: InfluxClient, membersOf: (familyId: string) => readonly string[]): Promise<{ written: number; removed: number }> {
  let written = 0;
  let removed = 0;
  for (;;) {
    const pending = repo.pendingExport(BATCH);
    if (pending.added.length === 0 && pending.removed.length === 0) return { written, removed };
    const points: InfluxPoint[] = pending.added.flatMap((event) => {
      const infohashes = event.familyId ? [...membersOf(event.familyId)] : [event.infohash ?? ''];
      return (infohashes.length > 0 ? infohashes : ['']).map((infohash) => ({
        measurement: TIMELINE_MEASUREMENT,
        // Line protocol has no empty tag value: a missing tag reads as '' in queries.
        tags: Object.fromEntries(Object.entries({ id: event.id, kind: event.kind, infohash, family: event.familyId ?? '' }).filter(([, value]) => value !== '')),
        fields: { title: event.title, url: event.url ?? '', source: event.source },
        timestamp: event.atMs,
      }));
    });
    if (points.length > 0) await client.write(points, RAW_POLICY);
    const gone = pending.removed.filter((id) => SAFE_ID.test(id));
    for (const id of gone) await client.execute(`DELETE FROM "${TIMELINE_MEASUREMENT}" WHERE "id" = '${id}'`);
    repo.markExported([...pending.added.map((event) => event.id), ...pending.removed]);
    written += points.length;
    removed += gone.length;
  }
}

/** Every few seconds, while the process runs; failures are logged and retried on the next pass. */
export function startTimelineExport(
  repo: TimelineRepo,
  client: InfluxClient,
  membersOf: (familyId: string) => readonly string[],
  log: Logger,
  intervalMs = TIMELINE_EXPORT_INTERVAL_MS,
): { stop(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  const pass = () => {
    running = exportTimeline(repo, client, membersOf).catch((error: unknown) => log.warn({ err: describeError(error) }, 'timeline not copied to InfluxDB yet; retrying'));
  };
  pass();
  const timer = setInterval(pass, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
