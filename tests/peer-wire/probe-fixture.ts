/**
 * Shared pieces of the probe tests: a real info dictionary (tests/interop/make-torrent.ts),
 * loopback-only probe options with short timeouts, and a measurement holding given peers.
 */
import { randomBytes } from 'node:crypto';
import { newMeasurement, type TorrentMeasurement } from '../../collector/stages/stage.ts';
import type { PeerProbeOptions } from '../../collector/peer-wire/probe-peer.ts';
import type { ProbeSettings } from '../../collector/peer-wire/probe-settings.ts';
import { parseTorrentFile } from '../../collector/watchlist/parse-torrent-file.ts';
import { addressKey } from '../../protocol/compact.ts';
import type { WatchedTorrent } from '../../store/types.ts';
import { buildTorrent } from '../interop/make-torrent.ts';

export interface TestTorrent {
  infohash: string;
  info: Buffer;
  name: string;
  sizeBytes: number;
  pieceLengthBytes: number;
  pieceCount: number;
}

/** A single-file torrent of `pieces` pieces of 16 KiB (the last one shorter). */
export function testTorrent(pieces = 10): TestTorrent {
  const name = `probe-test-${randomBytes(4).toString('hex')}.bin`;
  const sizeBytes = pieces * 16384 - 1000;
  const parsed = parseTorrentFile(buildTorrent(randomBytes(sizeBytes), name).torrent);
  return { infohash: parsed.infohash, info: parsed.infoDictionary!, name, sizeBytes, pieceLengthBytes: parsed.pieceLengthBytes, pieceCount: parsed.pieceCount };
}

/** Probe timeouts short enough for tests; every connection stays on loopback. */
export function probeOptions(infohash: string, overrides: Partial<PeerProbeOptions> = {}): PeerProbeOptions {
  return {
    infohash,
    connect: { timeoutMs: 1000, targets: 'loopback', allowPrivateAddresses: true },
    handshakeTimeoutMs: 400,
    settleMs: 400,
    fetchMetadata: false,
    metadataTimeoutMs: 2000,
    metadataMaxBytes: 1_000_000,
    allowPrivateAddresses: true,
    ...overrides,
  };
}

export function probeSettings(overrides: Partial<ProbeSettings> = {}): ProbeSettings {
  return {
    sampleSize: 50,
    concurrency: 8,
    connectTimeoutMs: 1000,
    handshakeTimeoutMs: 400,
    settleMs: 400,
    metadataTimeoutMs: 2000,
    metadataMaxBytes: 1_000_000,
    targets: 'loopback',
    allowPrivateAddresses: true,
    clientTopN: 10,
    ...overrides,
  };
}

export function watched(infohash: string, known: Partial<WatchedTorrent> = {}): WatchedTorrent {
  return { infohash, label: null, source: null, name: null, size: null, trackers: [], webSeeds: [], files: [], addedAtMs: 0, ...known };
}

/** A measurement as the DHT stage leaves it: these peers, found on the DHT. */
export function measurementWith(torrent: WatchedTorrent, peers: { host: string; port: number }[]): TorrentMeasurement {
  const measurement = newMeasurement(torrent);
  for (const peer of peers) {
    const family = peer.host.includes(':') ? 6 : 4;
    measurement.peers.set(addressKey(peer), { host: peer.host, port: peer.port, family, sources: new Set(['dht']) });
  }
  return measurement;
}
