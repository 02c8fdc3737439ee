/**
 * Registering a mirror, shared by `POST /api/v1/mirrors` and `swarmscope mirror add`: the URL must
 * pass the outbound guard (the same SSRF rules as webhooks) before anything is stored; an infohash
 * must name a torrent that is or was on the watchlist (its metadata is what the mirror is verified
 * against); a file must be one of that torrent's files when its file list is known.
 */
import { SwarmscopeError } from '../core/errors.ts';
import { parseInfohash } from '../core/infohash.ts';
import type { OutboundGuard } from '../core/outbound-guard.ts';
import type { Mirror, MirrorRegistry, MirrorSource } from './mirror-registry.ts';
import type { TorrentRegistry, WatchedTorrent } from './types.ts';

export interface MirrorInput {
  url: string;
  infohash?: string;
  file?: string;
  label?: string;
}

export interface MirrorRegistrationDeps {
  mirrors: MirrorRegistry;
  torrents: TorrentRegistry;
  guard: OutboundGuard;
  nowMs: number;
  /** How to name a field in an error: the API says `body/file`, the CLI `--file`. */
  fieldName?: (field: keyof MirrorInput) => string;
}

export async function registerMirror(deps: MirrorRegistrationDeps, input: MirrorInput, source: MirrorSource): Promise<{ mirror: Mirror; created: boolean }> {
  const name = deps.fieldName ?? ((field: string) => field);
  const checked = await deps.guard.check(input.url);
  const url = new URL(checked.url.href);
  // A fragment never reaches the server; keeping it would only make two registrations of one URL differ.
  url.hash = '';
  let infohash: string | null = null;
  let file: string | null = null;
  if (input.infohash !== undefined) {
    infohash = parseInfohash(input.infohash);
    const torrent = deps.torrents.get(infohash, { includeRemoved: true });
    if (!torrent) throw new SwarmscopeError('not_found', `torrent ${infohash} is not on the watchlist; add it first (POST /api/v1/torrents or swarmscope watch add)`);
    if (input.file !== undefined) file = resolveFile(torrent, input.file, name('file'));
  } else if (input.file !== undefined) {
    throw new SwarmscopeError('invalid_request', `${name('file')} names a file of a torrent: give ${name('infohash')} too`);
  }
  return deps.mirrors.add({ url: url.href, infohash, file, label: input.label ?? null, source }, deps.nowMs);
}

/** The file's path as the file list writes it (`name/dir/file`); the path without the torrent's name is accepted too. */
function resolveFile(torrent: WatchedTorrent, file: string, field: string): string {
  const wanted = file.replace(/^\/+/, '');
  if (torrent.files.length === 0) return wanted;
  const match = torrent.files.find((entry) => entry.path === wanted || entry.path === `${torrent.name}/${wanted}`);
  if (match) return match.path;
  const examples = torrent.files.slice(0, 3).map((entry) => `"${entry.path}"`).join(', ');
  throw new SwarmscopeError('invalid_request', `${field}: "${file.slice(0, 200)}" is not a file of torrent ${torrent.infohash} (files include ${examples})`);
}
