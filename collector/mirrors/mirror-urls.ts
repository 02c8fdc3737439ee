/**
 * Which URLs a mirror serves a torrent's files at, composed as BEP 19 (WebSeed, GetRight style)
 * composes them for web seeds:
 * - single-file torrent: a URL ending in `/` is a directory, the file is `url + name`; any other URL
 *   is the file itself;
 * - multi-file torrent: the URL is a directory and each file is `url + name/path/to/file` (a `/` is
 *   added when the URL lacks one, as libtorrent does);
 * - a mirror registered for one `file` serves exactly that file at its URL.
 * Path segments are percent-encoded; a query string (a presigned URL's signature) is kept as is.
 */
import type { Mirror } from '../../store/mirror-registry.ts';
import type { TorrentLayout } from './torrent-layout.ts';

export interface MirrorTarget {
  url: string;
  /** Index into layout.files, or null when the mirror's content is not known to be a torrent file. */
  fileIndex: number | null;
  file: string | null;
  /** The size the file list gives, to compare with what the server says. */
  expectedBytes: number | null;
}

function underDirectory(base: string, segments: readonly string[]): string {
  const url = new URL(base);
  const directory = url.pathname.endsWith('/') ? url.pathname : `${url.pathname}/`;
  url.pathname = directory + segments.map((segment) => encodeURIComponent(segment)).join('/');
  return url.href;
}

export function mirrorTargets(mirror: Pick<Mirror, 'url' | 'file'>, layout: TorrentLayout | undefined): MirrorTarget[] {
  const itself = (fileIndex: number | null): MirrorTarget => ({
    url: mirror.url,
    fileIndex,
    file: fileIndex === null ? mirror.file : layout!.files[fileIndex]!.path,
    expectedBytes: fileIndex === null ? null : layout!.files[fileIndex]!.lengthBytes,
  });
  if (!layout || layout.files.length === 0) return [itself(null)];
  if (mirror.file !== null) {
    const index = layout.files.findIndex((file) => file.path === mirror.file);
    return [itself(index >= 0 ? index : null)];
  }
  if (!layout.multiFile) {
    if (!new URL(mirror.url).pathname.endsWith('/')) return [itself(0)];
    return [{ ...itself(0), url: underDirectory(mirror.url, layout.files[0]!.segments) }];
  }
  return layout.files.map((file, fileIndex) => ({ url: underDirectory(mirror.url, file.segments), fileIndex, file: file.path, expectedBytes: file.lengthBytes }));
}
