/**
 * The mirror checker: registers watched torrents' web seeds as mirrors, then checks every mirror
 * that is due — all of them for `collect --once` (DESIGN.md §3: "one check of every mirror") — with
 * at most `concurrency` mirrors and `perHostConcurrency` requests per host at once. Each check's
 * new state and its transition events commit together (store/mirror-state-repo.ts); its sample goes
 * to the `mirror` series of the store. In the background it runs on its own loop, independent of
 * the DHT, so mirrors are watched even while the DHT cannot be joined.
 *
 * Backoff: a failing mirror is re-checked after a quarter interval until it is declared down (so
 * "down" is confirmed quickly), then at doubling intervals up to `maxBackoffMs`.
 */
import type Database from 'better-sqlite3';
import { describeError } from '../../core/errors.ts';
import type { Logger } from '../../core/logger.ts';
import { mapWithConcurrency } from '../../core/map-with-concurrency.ts';
import type { OutboundGuard } from '../../core/outbound-guard.ts';
import type { MirrorCheck } from '../../store/mirror-check.ts';
import { createMirrorRegistry, type Mirror, type MirrorRegistry } from '../../store/mirror-registry.ts';
import type { MirrorSample, MirrorSeriesStore } from '../../store/mirror-series.ts';
import { createMirrorStateRepo, type MirrorState, type MirrorStateRepo } from '../../store/mirror-state-repo.ts';
import type { DomainEventType } from '../../store/state/domain-events.ts';
import { loadInfoDictionary } from '../../store/torrent-info.ts';
import type { TorrentRegistry } from '../../store/types.ts';
import { inShard } from '../../core/shard.ts';
import { checkMirror, type CheckContext } from './check-mirror.ts';
import { HostLimiter } from './host-limiter.ts';
import type { MirrorSettings } from './mirror-settings.ts';
import { transition } from './mirror-transition.ts';
import { layoutFromInfoDictionary, layoutFromWatchedTorrent, type TorrentLayout } from './torrent-layout.ts';
import { WebSeedMirrors } from './web-seed-mirrors.ts';

/** The background loop looks for due mirrors at least this often (a mirror added by the API waits at most this long). */
const LOOP_TICK_MS = 60_000;

export interface MirrorCheckerOptions {
  /** The state database: mirror registry, states, torrent info, domain events. */
  stateDb: Database.Database;
  torrents: TorrentRegistry;
  series: MirrorSeriesStore;
  guard: OutboundGuard;
  settings: MirrorSettings;
  /** `i/n`: with several collectors, each checks the mirrors whose id hashes to its shard. */
  shard?: string;
  log?: Logger;
  now?: () => number;
  random?: () => number;
}

export interface MirrorCheckResult {
  mirror: Mirror;
  check: MirrorCheck;
  state: MirrorState;
  events: DomainEventType[];
}

export function mirrorSample(mirrorId: string, check: MirrorCheck): MirrorSample {
  return {
    mirrorId,
    atMs: check.atMs,
    values: {
      up: check.up ? 1 : 0,
      status: check.status,
      latency_ms: check.latencyMs,
      bytes: check.bytes,
      pieces_verified: check.verification && check.verification.pieces.length > 0 ? check.verification.verified : null,
      pieces_failed: check.verification && check.verification.pieces.length > 0 ? check.verification.failed : null,
    },
  };
}

export class MirrorChecker {
  readonly mirrors: MirrorRegistry;
  readonly states: MirrorStateRepo;
  private readonly webSeeds: WebSeedMirrors;
  private readonly context: CheckContext;
  private readonly now: () => number;
  private loop?: Promise<void>;
  private stopped = true;
  private wake?: () => void;

  constructor(private readonly options: MirrorCheckerOptions) {
    this.mirrors = createMirrorRegistry(options.stateDb);
    this.states = createMirrorStateRepo(options.stateDb);
    this.webSeeds = new WebSeedMirrors(this.mirrors, options.guard, options.log);
    this.now = options.now ?? Date.now;
    const limiter = new HostLimiter(options.settings.perHostConcurrency);
    this.context = {
      fetch: { guard: options.guard, limiter, maxRedirects: options.settings.maxRedirects, maxHeaderBytes: options.settings.maxHeaderBytes },
      settings: options.settings,
      random: options.random ?? Math.random,
      nowMs: this.now,
    };
  }

  /** One round; `force` checks every mirror, due or not. Returns the checks made. */
  async checkAll(options: { force?: boolean } = {}): Promise<MirrorCheckResult[]> {
    await this.webSeeds.sync(this.options.torrents.list().torrents, this.now());
    const nowMs = this.now();
    const mirrors = this.mirrors.list().mirrors.filter((mirror) => this.isMine(mirror));
    const states = this.states.getMany(mirrors.map((mirror) => mirror.id));
    const due = mirrors.filter((mirror) => options.force || (states.get(mirror.id)!.nextCheckAtMs ?? 0) <= nowMs);
    const layouts = new Map<string, TorrentLayout | undefined>();
    const results = await mapWithConcurrency(due, this.options.settings.concurrency, (mirror) => this.checkOne(mirror, layouts));
    const checked = results.filter((result): result is MirrorCheckResult => result !== undefined);
    if (checked.length > 0) this.options.log?.info({ mirrors: checked.length, up: checked.filter((result) => result.check.up).length }, 'mirror checks complete');
    return checked;
  }

  private isMine(mirror: Mirror): boolean {
    if (this.options.shard && !inShard(mirror.id, this.options.shard)) return false;
    // A web seed belongs to its torrent: once the torrent is no longer watched, neither is the seed.
    return mirror.source !== 'web_seed' || mirror.infohash === null || this.options.torrents.get(mirror.infohash) !== undefined;
  }

  private layoutOf(infohash: string | null, cache: Map<string, TorrentLayout | undefined>): TorrentLayout | undefined {
    if (infohash === null) return undefined;
    if (cache.has(infohash)) return cache.get(infohash);
    let layout: TorrentLayout | undefined;
    const info = loadInfoDictionary(this.options.stateDb, infohash);
    try {
      layout = info ? layoutFromInfoDictionary(infohash, info) : undefined;
    } catch (error) {
      this.options.log?.warn({ infohash, err: describeError(error) }, 'saved info dictionary unusable; checking sizes only');
    }
    if (!layout) {
      const torrent = this.options.torrents.get(infohash, { includeRemoved: true });
      layout = torrent ? layoutFromWatchedTorrent(torrent) : undefined;
    }
    cache.set(infohash, layout);
    return layout;
  }

  /** Checks one mirror and commits its new state and events; undefined if it was removed meanwhile. */
  async checkOne(mirror: Mirror, layouts = new Map<string, TorrentLayout | undefined>()): Promise<MirrorCheckResult | undefined> {
    const previous = this.states.get(mirror.id);
    const check = await checkMirror(mirror, this.layoutOf(mirror.infohash, layouts), previous, this.context);
    if (!this.mirrors.get(mirror.id)) return undefined;
    const { next, events } = transition(mirror, previous, check, this.options.settings.downAfterFailures);
    const state = { ...next, nextCheckAtMs: check.atMs + this.waitAfter(next) };
    this.states.commit(state, events);
    for (const event of events) this.options.log?.info({ mirror: mirror.id, url: mirror.url, event: event.type }, 'mirror state changed');
    try {
      await this.options.series.writeMirrorSamples([mirrorSample(mirror.id, check)]);
    } catch (error) {
      // The state and its events are committed; a lost sample is a gap in the graph, logged, not a lost alert.
      this.options.log?.error({ mirror: mirror.id, err: describeError(error) }, 'mirror sample not written');
    }
    return { mirror, check, state, events: events.map((event) => event.type) };
  }

  private waitAfter(state: MirrorState): number {
    const { intervalMs, downAfterFailures, maxBackoffMs } = this.options.settings;
    if (state.consecutiveFailures === 0) return intervalMs;
    if (state.consecutiveFailures < downAfterFailures) return Math.max(1000, Math.floor(intervalMs / 4));
    return Math.min(maxBackoffMs, intervalMs * 2 ** Math.min(30, state.consecutiveFailures - downAfterFailures));
  }

  /** Background mode: a round at once, then whenever mirrors fall due. */
  start(): void {
    if (this.loop) return;
    this.stopped = false;
    this.loop = (async () => {
      while (!this.stopped) {
        try {
          await this.checkAll();
        } catch (error) {
          this.options.log?.error({ err: describeError(error) }, 'mirror check round failed');
        }
        if (this.stopped) break;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.min(LOOP_TICK_MS, this.options.settings.intervalMs));
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    })();
  }

  /** Stops the loop and waits for a round in progress, so nothing is written after the store closes. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
    this.loop = undefined;
  }
}
