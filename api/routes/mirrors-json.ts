/** A mirror and its newest check as the API (and `swarmscope mirror ls --json`) shows them: api/schemas/mirror.ts. */
import type { MirrorCheck } from '../../store/mirror-check.ts';
import type { Mirror } from '../../store/mirror-registry.ts';
import type { MirrorState } from '../../store/mirror-state-repo.ts';
import { isoOrNull } from '../iso-time.ts';

function checkJson(check: MirrorCheck) {
  const { atMs, ...rest } = check;
  return { at: new Date(atMs).toISOString(), ...rest };
}

export function mirrorJson(mirror: Mirror, state: MirrorState) {
  return {
    id: mirror.id,
    url: mirror.url,
    infohash: mirror.infohash,
    file: mirror.file,
    label: mirror.label,
    source: mirror.source,
    createdAt: new Date(mirror.createdAtMs).toISOString(),
    state: state.state,
    stateSince: isoOrNull(state.stateSinceMs),
    consecutiveFailures: state.consecutiveFailures,
    nextCheckAt: isoOrNull(state.nextCheckAtMs),
    lastVerifiedAt: isoOrNull(state.verifiedAtMs),
    latest: state.lastCheck ? checkJson(state.lastCheck) : null,
  };
}
