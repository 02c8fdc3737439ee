/**
 * The family suggestion for the judge: reads the families and their members' layouts from the
 * state database at the time of the judgement (members' verified info dictionaries where kept,
 * else the watchlist's names and lengths) and asks suggest-family.ts for the best match.
 */
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { SuggestedFamily } from '../../store/state/discoveries-repo.ts';
import { createFamiliesRepo } from '../../store/state/families-repo.ts';
import { loadInfoDictionary } from '../../store/torrent-info.ts';
import type { TorrentRegistry } from '../../store/types.ts';
import { type FamilyCandidate, type TorrentLayout, layoutOfFiles, layoutOfInfo, suggestFamily } from './suggest-family.ts';

export function familySuggester(stateDb: Database.Database, registry: TorrentRegistry): (infoBytes: Buffer) => SuggestedFamily | null {
  const families = createFamiliesRepo(stateDb);
  const layoutOf = (infohash: string): TorrentLayout | null => {
    const info = loadInfoDictionary(stateDb, infohash);
    if (info) return layoutOfInfo(infohash, info);
    const files = registry.get(infohash, { includeRemoved: true })?.files ?? [];
    return files.length > 0 ? layoutOfFiles(infohash, files) : null;
  };
  return (infoBytes) => {
    const infohash = createHash('sha1').update(infoBytes).digest('hex');
    const candidates: FamilyCandidate[] = families.list().map((family) => ({
      id: family.id,
      name: family.name,
      members: family.torrents.map(layoutOf).filter((layout): layout is TorrentLayout => layout !== null),
    }));
    const best = suggestFamily(layoutOfInfo(infohash, infoBytes), candidates);
    return best && { id: best.id, name: best.name, evidence: best.evidence };
  };
}
