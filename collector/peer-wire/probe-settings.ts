/**
 * Peer-wire probe settings from the config (core/config.ts `probe*`, `metadataMaxBytes`), and which
 * addresses probes may connect to. `auto` keeps probes on loopback whenever the collector runs
 * against the sim (dhtLoopbackOnly or allowPrivateAddresses: sim, demo, tests): the sim's peers are
 * synthetic addresses inside real networks' blocks, and must never receive a connection.
 */
import type { SwarmscopeConfig } from '../../core/config.ts';
import type { ProbeTargets } from './connect.ts';

/** Client mix series per torrent: the top 10 clients plus `other` (DESIGN.md §4 keeps tags bounded). */
export const CLIENT_MIX_TOP_N = 10;

export interface ProbeSettings {
  /** Peers probed per torrent per sweep; 0 = no probes. */
  sampleSize: number;
  /** Connections open at once across all torrents of a sweep. */
  concurrency: number;
  connectTimeoutMs: number;
  handshakeTimeoutMs: number;
  settleMs: number;
  metadataTimeoutMs: number;
  metadataMaxBytes: number;
  targets: ProbeTargets;
  allowPrivateAddresses: boolean;
  clientTopN: number;
}

type ProbeConfig = Pick<
  SwarmscopeConfig,
  | 'probeSampleSize'
  | 'probeConcurrency'
  | 'probeConnectTimeoutMs'
  | 'probeHandshakeTimeoutMs'
  | 'probeSettleMs'
  | 'probeMetadataTimeoutMs'
  | 'metadataMaxBytes'
  | 'probeTargets'
  | 'dhtLoopbackOnly'
  | 'allowPrivateAddresses'
>;

export function resolveProbeTargets(config: Pick<ProbeConfig, 'probeTargets' | 'dhtLoopbackOnly' | 'allowPrivateAddresses'>): ProbeTargets {
  if (config.probeTargets !== 'auto') return config.probeTargets;
  return config.dhtLoopbackOnly || config.allowPrivateAddresses ? 'loopback' : 'any';
}

export function probeSettingsFromConfig(config: ProbeConfig): ProbeSettings {
  return {
    sampleSize: config.probeSampleSize,
    concurrency: config.probeConcurrency,
    connectTimeoutMs: config.probeConnectTimeoutMs,
    handshakeTimeoutMs: config.probeHandshakeTimeoutMs,
    settleMs: config.probeSettleMs,
    metadataTimeoutMs: config.probeMetadataTimeoutMs,
    metadataMaxBytes: config.metadataMaxBytes,
    targets: resolveProbeTargets(config),
    allowPrivateAddresses: config.allowPrivateAddresses,
    clientTopN: CLIENT_MIX_TOP_N,
  };
}
