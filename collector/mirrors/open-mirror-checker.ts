/**
 * The mirror checker a collector process runs, wired from the config: the outbound guard with the
 * configured private-target allow-list, the store's `mirror` series, and the `mirror*` settings.
 */
import type Database from 'better-sqlite3';
import type { SwarmscopeConfig } from '../../core/config.ts';
import type { Logger } from '../../core/logger.ts';
import { createOutboundGuard } from '../../core/outbound-guard.ts';
import { openMirrorSeries } from '../../store/mirror-series-open.ts';
import type { TorrentRegistry } from '../../store/types.ts';
import { MirrorChecker } from './mirror-checker.ts';
import { mirrorSettingsFromConfig } from './mirror-settings.ts';

export function openMirrorChecker(config: SwarmscopeConfig, torrents: TorrentRegistry, stateDb: Database.Database, log: Logger): MirrorChecker {
  return new MirrorChecker({
    stateDb,
    torrents,
    series: openMirrorSeries(config, stateDb),
    guard: createOutboundGuard({ allowPrivateTargets: config.allowPrivateTargets }),
    settings: mirrorSettingsFromConfig(config),
    shard: config.shard,
    log,
  });
}
