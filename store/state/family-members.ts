/**
 * A family member named by a person: a torrent that was ever on the watchlist (40 hex or 32 base32)
 * or a registered mirror id. Checked before anything is written, so a request naming one unknown
 * member changes nothing; shared by the REST routes and `swarmscope family`.
 */
import { SwarmscopeError, describeError } from '../../core/errors.ts';
import { parseInfohash } from '../../core/infohash.ts';
import type { MirrorRegistry } from '../mirror-registry.ts';
import type { TorrentRegistry } from '../types.ts';
import type { MemberKind } from './families-repo.ts';

export interface MemberRegistries {
  registry: TorrentRegistry;
  mirrors: MirrorRegistry;
}

/** `kind` given: that kind only; absent: an infohash if it reads as one, else a mirror id. `where` names the input in errors. */
export function resolveFamilyMember(raw: string, registries: MemberRegistries, where: string, kind?: MemberKind): { kind: MemberKind; member: string } {
  let infohash: string | undefined;
  try {
    infohash = parseInfohash(raw);
  } catch (error) {
    if (kind === 'torrent') throw new SwarmscopeError('invalid_request', `${where}: ${describeError(error)}`);
  }
  if (infohash !== undefined && kind !== 'mirror') {
    if (!registries.registry.get(infohash, { includeRemoved: true })) throw new SwarmscopeError('invalid_request', `${where}: torrent ${infohash} is not on the watchlist; add it first`);
    return { kind: 'torrent', member: infohash };
  }
  if (!registries.mirrors.get(raw, { includeRemoved: true })) throw new SwarmscopeError('invalid_request', `${where}: no mirror ${raw} (nor a watched infohash)`);
  return { kind: 'mirror', member: raw };
}
