/**
 * The JSON of a discovery, shared by `swarmscope discover --json`, `discoveries ls --json` and
 * `GET /api/v1/discoveries` (DESIGN.md §3): ISO times, `suggestedFamily` only when there is one.
 */
import type { Discovery } from './discoveries-repo.ts';

export function discoveryToJson(discovery: Discovery) {
  return {
    infohash: discovery.infohash,
    name: discovery.name,
    size: discovery.size,
    score: discovery.score,
    reasons: discovery.reasons,
    firstSeenAt: new Date(discovery.firstSeenAtMs).toISOString(),
    discoveredAt: new Date(discovery.discoveredAtMs).toISOString(),
    foundBy: discovery.foundBy,
    modelFamily: discovery.modelFamily,
    quantisation: discovery.quantisation,
    files: discovery.files,
    watched: discovery.watchedAtMs !== null,
    ...(discovery.suggestedFamily ? { suggestedFamily: discovery.suggestedFamily } : {}),
  };
}
