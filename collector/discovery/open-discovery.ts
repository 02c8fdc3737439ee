/**
 * The discovery service from the config: its own DHT socket (on the collector's bind host, another
 * port), the persisted queue and discoveries in the state database, the classifier rules (shipped,
 * plus `--classifier-rules`), and the family suggestion over the watched families.
 */
import type Database from 'better-sqlite3';
import type { SwarmscopeConfig } from '../../core/config.ts';
import type { Logger } from '../../core/logger.ts';
import { createDiscoveriesRepo, type SuggestedFamily } from '../../store/state/discoveries-repo.ts';
import { DiscoveryQueue } from '../../store/state/discovery-queue.ts';
import type { TorrentRegistry } from '../../store/types.ts';
import { resolveProbeTargets } from '../peer-wire/probe-settings.ts';
import { loadClassifierRules } from './classifier-rules.ts';
import { DiscoveryService } from './discovery-service.ts';

/** A candidate whose metadata was not found is retried after 10 min, then 20, 40…: peers come and go. */
export const METADATA_RETRY_MS = 10 * 60_000;

export interface OpenDiscoveryOptions {
  stateDb: Database.Database;
  registry: TorrentRegistry;
  log: Logger;
  suggestFamily?: (infoBytes: Buffer) => SuggestedFamily | null;
  /** A one-pass run retries quickly: it must end. */
  metadataRetryMs?: number;
}

export async function openDiscovery(config: SwarmscopeConfig, options: OpenDiscoveryOptions): Promise<DiscoveryService> {
  // Rules first: a bad rules file is bad input (exit 2) and must stop the start before any socket opens.
  const rules = loadClassifierRules(config.classifierRules || undefined);
  return DiscoveryService.open(
    {
      bindHost: config.dhtBindHost,
      port: 0,
      bootstrap: config.bootstrap,
      bootstrapTimeoutMs: config.bootstrapTimeoutMs,
      queryTimeoutMs: config.dhtQueryTimeoutMs,
      allowPrivateAddresses: config.allowPrivateAddresses,
      loopbackOnly: config.dhtLoopbackOnly,
      maxQueriesPerIpPer10s: config.dhtMaxQueriesPerIpPer10s,
      ratePerSecond: config.discoveryRate,
      passive: config.discoveryPassive,
      metadataConcurrency: config.discoveryMetadataConcurrency,
      metadataAttempts: config.discoveryMetadataAttempts,
      metadataRetryMs: options.metadataRetryMs ?? METADATA_RETRY_MS,
      connect: { targets: resolveProbeTargets(config), allowPrivateAddresses: config.allowPrivateAddresses, timeoutMs: config.probeConnectTimeoutMs },
      handshakeTimeoutMs: config.probeHandshakeTimeoutMs,
      metadataTimeoutMs: config.probeMetadataTimeoutMs,
      metadataMaxBytes: config.metadataMaxBytes,
    },
    {
      stateDb: options.stateDb,
      queue: new DiscoveryQueue(options.stateDb, { maxQueued: config.discoveryQueueMax }),
      discoveries: createDiscoveriesRepo(options.stateDb),
      registry: options.registry,
      rules,
      keepScore: config.discoveryKeepScore,
      autoWatchScore: config.autoWatchScore,
      ...(options.suggestFamily ? { suggestFamily: options.suggestFamily } : {}),
      log: options.log,
    },
  );
}
