/**
 * The peer-wire stage (collector/peer-wire/): after the DHT stage, probe a bounded sample of the
 * torrent's peers. Values: probe_seeders, probe_leechers (BEP 3 bitfield / BEP 6 have_all),
 * probe_unreachable (sampled peers that could not be probed, counted, not dropped); the client mix
 * as `swarm_client` tagged samples (top N + other); PEX peers (BEP 11) join the distinct set tagged
 * 'pex'. A torrent without metadata gets it here over ut_metadata (BEP 9). With no peer to probe
 * (none found, or none allowed by the target policy) the values stay unmeasured (null).
 */
import { addressKey } from '../../protocol/compact.ts';
import { clientMix } from '../peer-wire/client-mix.ts';
import { ConnectionSlots } from '../peer-wire/connection-slots.ts';
import { isProbeTarget } from '../peer-wire/connect.ts';
import { probeSwarm, type SwarmProbeReport } from '../peer-wire/probe-swarm.ts';
import type { ProbeSettings } from '../peer-wire/probe-settings.ts';
import { recordMetadata, type MetadataSinks } from '../peer-wire/record-metadata.ts';
import type { SweepStage, TorrentMeasurement } from './stage.ts';
import type { SwarmValues, WatchedTorrent } from '../../store/types.ts';

export interface ProbeStageDependencies extends MetadataSinks {
  /** Told each torrent's report (per-peer outcomes without addresses): tests and diagnostics. */
  onReport?: (infohash: string, report: SwarmProbeReport) => void;
}

function pieceCountOf(torrent: WatchedTorrent): number | null {
  return torrent.size !== null && torrent.pieceLengthBytes ? Math.ceil(torrent.size / torrent.pieceLengthBytes) : null;
}

export class ProbeStage implements SweepStage {
  readonly name = 'probe';
  /** One cap for the whole sweep: several torrents are measured at once. */
  readonly slots: ConnectionSlots;

  constructor(
    private readonly settings: ProbeSettings,
    private readonly deps: ProbeStageDependencies = {},
  ) {
    this.slots = new ConnectionSlots(settings.concurrency);
  }

  async measure(measurement: TorrentMeasurement): Promise<void> {
    const { settings } = this;
    if (settings.sampleSize === 0) return;
    const candidates = [...measurement.peers.values()]
      .filter((peer) => isProbeTarget(peer, settings))
      .map(({ host, port, family }) => ({ host, port, family }));
    if (candidates.length === 0) return;
    const { torrent } = measurement;
    const pieceCount = pieceCountOf(torrent);
    const report = await probeSwarm(candidates, {
      infohash: torrent.infohash,
      sampleSize: settings.sampleSize,
      slots: this.slots,
      pieceCount,
      needMetadata: torrent.name === null || torrent.size === null || pieceCount === null,
      connect: { timeoutMs: settings.connectTimeoutMs, targets: settings.targets, allowPrivateAddresses: settings.allowPrivateAddresses },
      handshakeTimeoutMs: settings.handshakeTimeoutMs,
      settleMs: settings.settleMs,
      metadataTimeoutMs: settings.metadataTimeoutMs,
      metadataMaxBytes: settings.metadataMaxBytes,
      allowPrivateAddresses: settings.allowPrivateAddresses,
    });
    measurement.requests += report.probed.length;
    Object.assign(measurement.values, {
      probe_seeders: report.seeders,
      probe_leechers: report.leechers,
      probe_unreachable: report.unreachable,
    } satisfies SwarmValues);
    measurement.tagged.push(...clientMix(torrent.infohash, report.clients, settings.clientTopN));
    for (const peer of report.pex) {
      const key = addressKey(peer);
      const known = measurement.peers.get(key);
      if (known) known.sources.add('pex');
      else measurement.peers.set(key, { ...peer, sources: new Set(['pex']) });
    }
    this.deps.onReport?.(torrent.infohash, report);
    if (report.metadata) measurement.torrent = recordMetadata(torrent, report.metadata, this.deps);
  }
}
