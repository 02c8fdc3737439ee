/**
 * Timeline events swarmscope records by itself (issue 13), from the facts other parts report
 * (store/state/domain-events.ts): a mirror going down, taken down (451: a legal takedown) or back,
 * and a new discovery. Written in the same transaction as the fact, in whichever process reports
 * it, so the page, the reports and Grafana show them next to the curves with no one typing them.
 */
import type { NewDomainEvent } from './domain-events.ts';
import type { NewTimelineEvent } from './timeline-repo.ts';

function hostOf(url: unknown): string {
  try {
    return new URL(String(url)).host;
  } catch {
    return 'a mirror';
  }
}

const infohashOf = (value: unknown): string | null => (typeof value === 'string' && /^[0-9a-f]{40}$/.test(value) ? value : null);

export function timelineEventFor(event: NewDomainEvent, atMs: number): NewTimelineEvent | undefined {
  const data = event.data ?? {};
  const url = typeof data.url === 'string' && /^https?:/.test(data.url) ? data.url : null;
  const mirror = { atMs, url, source: 'mirror-checker', infohash: infohashOf(data.infohash) };
  switch (event.type) {
    case 'mirror.down':
      return { ...mirror, kind: 'mirror_down', title: `Mirror down: ${hostOf(data.url)}${data.status ? ` (HTTP ${String(data.status)})` : ''}` };
    case 'mirror.taken_down':
      return data.legal === true
        ? { ...mirror, kind: 'takedown', title: `Mirror taken down for legal reasons (HTTP 451): ${hostOf(data.url)}` }
        : { ...mirror, kind: 'mirror_down', title: `Mirror gone: ${hostOf(data.url)} (HTTP ${String(data.status ?? '?')})` };
    case 'mirror.back':
      return { ...mirror, kind: 'mirror_back', title: `Mirror back: ${hostOf(data.url)}` };
    case 'discovery.new':
      return {
        atMs,
        kind: 'discovery',
        title: `Discovered on the DHT: ${String(data.name ?? event.subject ?? 'a torrent').slice(0, 200)}`,
        url: null,
        source: 'discovery',
        infohash: infohashOf(event.subject),
      };
    default:
      return undefined;
  }
}
