/**
 * The families a watchlist file names (`"family": "LLaMA 1 (March 2023 leak)"`), created and filled
 * on import, idempotently: a member the user detached is never attached again, a torrent the user
 * stopped watching is not put back in its family, and a family the user deleted is created anew
 * only if the list still names it (as a removed shipped torrent stays removed, a deleted family
 * whose torrents were all removed stays gone).
 */
import type Database from 'better-sqlite3';
import type { TorrentRegistry } from '../types.ts';
import { createFamiliesRepo } from './families-repo.ts';

export function importFamilies(db: Database.Database, registry: TorrentRegistry, entries: readonly { infohash: string; family?: string }[]): number {
  const families = createFamiliesRepo(db);
  let attached = 0;
  db.transaction(() => {
    for (const entry of entries) {
      if (!entry.family || !registry.get(entry.infohash)) continue;
      const family = families.findByName(entry.family) ?? families.create({ name: entry.family, description: 'from the watchlist' });
      if (families.everAttached(family.id, 'torrent', entry.infohash)) continue;
      families.attach(family.id, 'torrent', entry.infohash, 'shipped');
      attached++;
    }
  })();
  return attached;
}
