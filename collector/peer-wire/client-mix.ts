/**
 * The client mix of one torrent's probed peers as `swarm_client` tagged samples: the top N client
 * names by peer count plus `other` for the rest, so the series per torrent stay bounded (DESIGN.md §4).
 */
import type { TaggedSample } from '../../store/types.ts';

export const OTHER_CLIENTS = 'other';

export function clientMix(infohash: string, clients: readonly string[], topN: number): Omit<TaggedSample, 'atMs'>[] {
  const counts = new Map<string, number>();
  for (const client of clients) counts.set(client, (counts.get(client) ?? 0) + 1);
  // Most peers first; ties by name, so the same swarm always gives the same tags.
  const ranked = [...counts].sort(([nameA, a], [nameB, b]) => b - a || (nameA < nameB ? -1 : nameA > nameB ? 1 : 0));
  const top = ranked.filter(([name]) => name !== OTHER_CLIENTS).slice(0, topN);
  const otherPeers = clients.length - top.reduce((total, [, peers]) => total + peers, 0);
  const rows = otherPeers > 0 ? [...top, [OTHER_CLIENTS, otherPeers] as const] : top;
  return rows.map(([tag, peers]) => ({ measurement: 'swarm_client', infohash, tag, values: { peers } }));
}
