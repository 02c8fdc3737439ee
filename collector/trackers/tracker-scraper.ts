/**
 * Scrapes trackers for many torrents at once: every tracker gets one scrape job carrying all the
 * infohashes that list it (74 per UDP packet, 40 per HTTP request), trackers in parallel up to a
 * cap. Each tracker's address passes the same check as every other outbound target
 * (core/outbound-guard.ts): tracker URLs come from magnets anyone can add, and must not make the
 * collector send packets to its own LAN. Loopback and private trackers are allowed only with
 * `allowPrivateAddresses` or when listed in `allowPrivateTargets`; `loopbackOnly` (tests, sim)
 * allows nothing but loopback.
 */
import { mapWithConcurrency } from '../../core/map-with-concurrency.ts';
import { classifyAddress } from '../../core/address-class.ts';
import { SwarmscopeError, describeError } from '../../core/errors.ts';
import { createOutboundGuard, type CheckedTarget, type OutboundGuard, type ResolveAll } from '../../core/outbound-guard.ts';
import { httpScrape } from './http-scrape.ts';
import { parseTrackerUrl } from './tracker-url.ts';
import { UdpTrackerClient } from './udp-tracker-client.ts';
import { MAX_SCRAPE_INFOHASHES, type ScrapeCounts } from './udp-tracker-messages.ts';

/** Infohashes per HTTP scrape: keeps the URL near 3 KB, under the 4–8 KB limit common in servers. */
export const HTTP_SCRAPE_BATCH = 40;
/** An HTTP tracker that ignores all but the first info_hash would leave the rest missing: they are asked again singly, up to this many. */
const SINGLE_RETRIES_PER_TRACKER = 20;

export interface TrackerScraperOptions {
  /** One UDP attempt (there is one retry) or one whole HTTP request. */
  timeoutMs: number;
  allowPrivateAddresses: boolean;
  allowPrivateTargets?: readonly string[];
  loopbackOnly?: boolean;
  /** Trackers scraped at once. */
  concurrency?: number;
  resolve?: ResolveAll;
}

/**
 * `partialError`: the tracker answered some requests, then failed; the torrents of the failed and
 * later requests are missing from `counts` (they are reported as not answered, never as zero).
 */
export type TrackerResult = { ok: true; counts: Map<string, ScrapeCounts>; partialError?: string } | { ok: false; error: string };

/** Single re-asks in flight per tracker. */
const SINGLE_ASK_CONCURRENCY = 4;

interface Batched {
  counts: Map<string, ScrapeCounts>;
  /** The infohashes whose request was answered. */
  answered: string[];
  partialError?: string;
}

/**
 * Requests of `size` infohashes, one after another (polite, and a UDP connection id is shared). A
 * first request that fails fails the tracker; a later one ends the job with what was answered.
 */
async function inBatches(infohashes: readonly string[], size: number, request: (batch: string[]) => Promise<Map<string, ScrapeCounts>>): Promise<Batched> {
  const counts = new Map<string, ScrapeCounts>();
  for (let start = 0; start < infohashes.length; start += size) {
    const batch = infohashes.slice(start, start + size);
    try {
      for (const [infohash, entry] of await request(batch)) counts.set(infohash, entry);
    } catch (error) {
      if (start === 0) throw error;
      return { counts, answered: infohashes.slice(0, start), partialError: `${infohashes.length - start} of ${infohashes.length} torrents not scraped: ${describeError(error)}` };
    }
  }
  return { counts, answered: [...infohashes] };
}

export class TrackerScraper {
  readonly udp: UdpTrackerClient;
  private readonly guard: OutboundGuard;
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly options: TrackerScraperOptions) {
    this.udp = new UdpTrackerClient(options.timeoutMs);
    const everywhere = options.allowPrivateAddresses ? ['0.0.0.0/0', '::/0'] : [];
    this.guard = createOutboundGuard({ allowPrivateTargets: [...everywhere, ...(options.allowPrivateTargets ?? [])], resolve: options.resolve });
  }

  /** One tracker, all its infohashes (40 hex); queued behind `concurrency` scrapes already running. Never rejects. */
  async scrape(trackerUrl: string, infohashes: readonly string[]): Promise<TrackerResult> {
    // A finishing scrape hands its slot straight to the next waiter, so the cap is never exceeded.
    if (this.running >= (this.options.concurrency ?? 16)) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    try {
      const { counts, partialError } = await this.scrapeOrThrow(trackerUrl, [...new Set(infohashes)]);
      return { ok: true, counts, ...(partialError ? { partialError } : {}) };
    } catch (error) {
      return { ok: false, error: describeError(error) };
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }

  close(): void {
    this.udp.close();
  }

  private async scrapeOrThrow(trackerUrl: string, infohashes: string[]): Promise<Batched> {
    const target = parseTrackerUrl(trackerUrl);
    if (!target) throw new SwarmscopeError('invalid_request', 'not a UDP or HTTP(S) tracker URL');
    if (target.kind === 'udp') {
      // The guard speaks URLs; an http URL with the same host and port checks the address the same way.
      const checked = await this.check(`http://${new URL(target.url).host}/`);
      return inBatches(infohashes, MAX_SCRAPE_INFOHASHES, (batch) => this.udp.scrape({ address: checked.address, family: checked.family, port: target.port }, batch));
    }
    if (!target.scrapeUrl) throw new SwarmscopeError('invalid_request', 'no scrape URL: the announce path does not end in "announce" (BEP 48)');
    const checked = await this.check(target.scrapeUrl);
    const batched = await inBatches(infohashes, HTTP_SCRAPE_BATCH, (batch) => httpScrape(checked, batch, this.options.timeoutMs));
    const { counts } = batched;
    // A tracker that answered but did not list a torrent either has no peers for it (opentracker
    // leaves those out) or read only the first info_hash: asking singly tells the two apart.
    const missing = batched.answered.filter((infohash) => !counts.has(infohash));
    const askedSingly = infohashes.length > 1 ? missing.slice(0, SINGLE_RETRIES_PER_TRACKER) : missing;
    const unanswered = new Set<string>();
    // A few at a time, and a failed single ask loses only that torrent's answer, not the tracker's.
    await mapWithConcurrency(askedSingly, SINGLE_ASK_CONCURRENCY, async (infohash) => {
      try {
        const single = infohashes.length > 1 ? (await httpScrape(checked, [infohash], this.options.timeoutMs)).get(infohash) : undefined;
        // Still missing from a tracker that answered: it knows no peers of that torrent, a measured 0.
        counts.set(infohash, single ?? { seeders: 0, leechers: 0, completed: 0 });
      } catch (error) {
        unanswered.add(infohash);
        batched.partialError ??= describeError(error);
      }
    });
    if (unanswered.size > 0) batched.answered = batched.answered.filter((infohash) => !unanswered.has(infohash));
    return batched;
  }

  private async check(url: string): Promise<CheckedTarget> {
    const checked = await this.guard.check(url);
    if (this.options.loopbackOnly && classifyAddress(checked.address) !== 'loopback') {
      throw new SwarmscopeError('unsafe_target', `${checked.address} is not a loopback address (loopback-only mode)`);
    }
    return checked;
  }
}
