/**
 * A mirror checker over an in-memory SQLite store, with the test torrent on the watchlist (added
 * from its .torrent bytes, so the registry keeps its info dictionary) and loopback allowed as
 * tests allow it (`allowPrivateTargets: ['127.0.0.0/8', '::1/128']`). Timeouts are short so the
 * slow mirror costs a fraction of a second.
 */
import { after, before } from 'node:test';
import { MirrorChecker, type MirrorCheckResult } from '../../collector/mirrors/mirror-checker.ts';
import { DEFAULT_MAX_HEADER_BYTES, type MirrorSettings } from '../../collector/mirrors/mirror-settings.ts';
import { parseTorrentFile } from '../../collector/watchlist/parse-torrent-file.ts';
import { createOutboundGuard } from '../../core/outbound-guard.ts';
import type { MirrorSeriesStore } from '../../store/mirror-series.ts';
import { createSqliteMirrorSeries } from '../../store/mirror-series-sqlite.ts';
import type { NewMirror } from '../../store/mirror-registry.ts';
import { readDomainEventsAfter } from '../../store/state/domain-events.ts';
import { openSqliteStore, type SqliteStore } from '../../store/sqlite/open-sqlite-store.ts';
import { startMirrorServer, type MirrorServer } from './mirror-server.ts';
import { buildMultiFileTorrent, type MultiFileTorrent } from './multi-file-torrent.ts';

export const LOOPBACK = ['127.0.0.0/8', '::1/128'];

export const TEST_SETTINGS: MirrorSettings = {
  intervalMs: 60_000,
  timeoutMs: 400,
  pieceTimeoutMs: 2_000,
  downAfterFailures: 2,
  // Every piece of the 5-piece test torrent, so outcomes do not depend on the random sample.
  verifyPieces: 5,
  verifyIntervalMs: 0,
  maxPieceBytes: 1024 * 1024,
  perHostConcurrency: 2,
  concurrency: 4,
  maxFilesPerCheck: 32,
  maxRedirects: 5,
  maxHeaderBytes: DEFAULT_MAX_HEADER_BYTES,
  maxBackoffMs: 3_600_000,
};

export interface CheckerFixture {
  store: SqliteStore;
  checker: MirrorChecker;
  add(mirror: Omit<NewMirror, 'source'>): string;
  eventTypes(): string[];
  close(): Promise<void>;
}

export function openCheckerFixture(
  torrent: MultiFileTorrent | undefined,
  options: { settings?: Partial<MirrorSettings>; series?: MirrorSeriesStore; now?: () => number } = {},
): CheckerFixture {
  const store = openSqliteStore(':memory:');
  if (torrent) store.registry.add({ ...parseTorrentFile(torrent.torrent), label: 'test torrent', source: 'test' });
  const checker = new MirrorChecker({
    stateDb: store.db,
    torrents: store.registry,
    series: options.series ?? createSqliteMirrorSeries(store.db),
    guard: createOutboundGuard({ allowPrivateTargets: LOOPBACK }),
    settings: { ...TEST_SETTINGS, ...options.settings },
    random: () => 0.5,
    ...(options.now ? { now: options.now } : {}),
  });
  return {
    store,
    checker,
    add: (mirror) => checker.mirrors.add({ ...mirror, source: 'api' }, Date.now()).mirror.id,
    eventTypes: () => readDomainEventsAfter(store.db, 0, 1000).map((event) => event.type),
    close: () => store.close(),
  };
}

export interface MirrorSuite {
  readonly torrent: MultiFileTorrent;
  readonly server: MirrorServer;
  /** A fresh checker over a fresh in-memory store with the torrent watched; closed when the suite ends. */
  fixture(settings?: Partial<MirrorSettings>): CheckerFixture;
  /** Registers a mirror in `f` and checks it once. */
  check(f: CheckerFixture, mirror: Omit<NewMirror, 'source'>): Promise<MirrorCheckResult>;
}

/** For a `describe`: the test torrent and its loopback mirror server, started before and stopped after the suite. */
export function mirrorSuite(): MirrorSuite {
  let torrent: MultiFileTorrent | undefined;
  let server: MirrorServer | undefined;
  const fixtures: CheckerFixture[] = [];
  before(async () => {
    torrent = buildMultiFileTorrent();
    server = await startMirrorServer(torrent);
  });
  after(async () => {
    for (const fixture of fixtures) await fixture.close();
    await server?.close();
  });
  return {
    get torrent() {
      return torrent!;
    },
    get server() {
      return server!;
    },
    fixture(settings = {}) {
      const made = openCheckerFixture(torrent, { settings });
      fixtures.push(made);
      return made;
    },
    async check(f, mirror) {
      const id = f.add(mirror);
      return (await f.checker.checkOne(f.checker.mirrors.get(id)!))!;
    },
  };
}
