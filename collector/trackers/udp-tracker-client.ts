/**
 * A UDP tracker scrape client (BEP 15), written here rather than taken from bittorrent-tracker:
 * that client sends the infohashes of a UDP scrape as 40-character hex text (ASCII) where BEP 15
 * wants the 20 raw bytes, so trackers read other hashes and answer all zeros, and it scrapes one
 * torrent per request. This one sends raw hashes, up to 74 per scrape (the BEP's limit), reuses a
 * tracker's connection id for the 60 s BEP 15 allows, and uses short timeouts with one retry
 * (BEP 15's 15·2ⁿ s back-off is meant for clients that must get through; a sweep must finish).
 *
 * One socket per address family serves every tracker; replies are matched by transaction id AND
 * source address, so a forged datagram from elsewhere is ignored.
 */
import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { SwarmscopeError } from '../../core/errors.ts';
import { ACTION_CONNECT, ACTION_ERROR, ACTION_SCRAPE, MAX_SCRAPE_INFOHASHES, connectRequest, parseReply, scrapeRequest, type ScrapeCounts, type TrackerReply } from './udp-tracker-messages.ts';
import { monotonicMs } from '../../core/clock.ts';

/** BEP 15: "A client can use a connection ID until one minute after it has received it." */
export const CONNECTION_ID_LIFETIME_MS = 60_000;
const ATTEMPTS = 2;

export interface UdpTrackerTarget {
  /** An IP address, already resolved and checked (tracker-scraper.ts). */
  address: string;
  family: 4 | 6;
  port: number;
}

export interface UdpScrapeCounters {
  connects: number;
  connectionReuses: number;
  scrapeRequests: number;
  infohashesScraped: number;
  largestBatch: number;
  timeouts: number;
  retries: number;
}

interface Pending {
  target: UdpTrackerTarget;
  expect: number;
  resolve(reply: TrackerReply): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

export class UdpTrackerClient {
  readonly counters: UdpScrapeCounters = { connects: 0, connectionReuses: 0, scrapeRequests: 0, infohashesScraped: 0, largestBatch: 0, timeouts: 0, retries: 0 };
  private readonly sockets = new Map<4 | 6, dgram.Socket>();
  private readonly pending = new Map<number, Pending>();
  private readonly connections = new Map<string, { id: Buffer; validUntilMs: number }>();

  constructor(
    private readonly timeoutMs: number,
    private readonly now: () => number = monotonicMs,
  ) {}

  /** Seeders, leechers and completed for each of at most 74 infohashes (40 hex): one scrape request (and its retry). */
  async scrape(target: UdpTrackerTarget, batch: readonly string[]): Promise<Map<string, ScrapeCounts>> {
    if (batch.length > MAX_SCRAPE_INFOHASHES) throw new RangeError(`at most ${MAX_SCRAPE_INFOHASHES} infohashes per UDP scrape (BEP 15), got ${batch.length}`);
    const entries = await this.scrapeBatch(target, batch);
    return new Map(batch.map((infohash, index) => [infohash, entries[index]!]));
  }

  close(): void {
    for (const pending of this.pending.values()) {
      clearTimeout(pending.timer);
      pending.reject(new SwarmscopeError('internal', 'UDP tracker client closed'));
    }
    this.pending.clear();
    for (const socket of this.sockets.values()) socket.close();
    this.sockets.clear();
  }

  private async scrapeBatch(target: UdpTrackerTarget, batch: readonly string[]): Promise<ScrapeCounts[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        const connectionId = await this.connectionId(target);
        const transactionId = this.newTransactionId();
        this.counters.scrapeRequests++;
        const reply = await this.request(target, scrapeRequest(connectionId, transactionId, batch), transactionId, ACTION_SCRAPE);
        if (reply.action !== ACTION_SCRAPE || reply.entries.length < batch.length) {
          throw new SwarmscopeError('internal', `the tracker answered ${reply.action === ACTION_SCRAPE ? reply.entries.length : 0} of ${batch.length} scrape entries`);
        }
        this.counters.infohashesScraped += batch.length;
        this.counters.largestBatch = Math.max(this.counters.largestBatch, batch.length);
        return reply.entries.slice(0, batch.length);
      } catch (error) {
        if (attempt >= ATTEMPTS) throw error;
        // The connection id may be what failed (expired, or the tracker restarted): get a new one.
        this.connections.delete(keyOf(target));
        this.counters.retries++;
      }
    }
  }

  private async connectionId(target: UdpTrackerTarget): Promise<Buffer> {
    const key = keyOf(target);
    const cached = this.connections.get(key);
    if (cached && cached.validUntilMs > this.now()) {
      this.counters.connectionReuses++;
      return cached.id;
    }
    const transactionId = this.newTransactionId();
    this.counters.connects++;
    const reply = await this.request(target, connectRequest(transactionId), transactionId, ACTION_CONNECT);
    if (reply.action !== ACTION_CONNECT) throw new SwarmscopeError('internal', 'the tracker did not answer the connect request');
    this.connections.set(key, { id: reply.connectionId, validUntilMs: this.now() + CONNECTION_ID_LIFETIME_MS });
    return reply.connectionId;
  }

  private request(target: UdpTrackerTarget, packet: Buffer, transactionId: number, expect: number): Promise<TrackerReply> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(transactionId);
        this.counters.timeouts++;
        reject(new SwarmscopeError('internal', `no answer within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      this.pending.set(transactionId, { target, expect, resolve, reject, timer });
      this.socket(target.family).send(packet, target.port, target.address, (error) => {
        if (!error) return;
        clearTimeout(timer);
        this.pending.delete(transactionId);
        reject(error);
      });
    });
  }

  private onMessage(packet: Buffer, from: dgram.RemoteInfo): void {
    const reply = parseReply(packet);
    if (!reply) return;
    const pending = this.pending.get(reply.transactionId);
    if (!pending || pending.target.address !== from.address || pending.target.port !== from.port) return;
    if (reply.action !== pending.expect && reply.action !== ACTION_ERROR) return;
    this.pending.delete(reply.transactionId);
    clearTimeout(pending.timer);
    if (reply.action === ACTION_ERROR) pending.reject(new SwarmscopeError('internal', `tracker error: ${reply.message || 'no message'}`));
    else pending.resolve(reply);
  }

  private socket(family: 4 | 6): dgram.Socket {
    let socket = this.sockets.get(family);
    if (!socket) {
      socket = dgram.createSocket(family === 4 ? 'udp4' : 'udp6');
      socket.on('message', (packet, from) => this.onMessage(packet, from));
      // A failing socket fails its pending requests through their timeouts; it must not crash the collector.
      socket.on('error', () => {});
      // Never what keeps a finished command alive; pending timeouts do that while a scrape runs.
      socket.unref();
      this.sockets.set(family, socket);
    }
    return socket;
  }

  private newTransactionId(): number {
    let id: number;
    do id = randomBytes(4).readUInt32BE(0);
    while (this.pending.has(id));
    return id;
  }
}

function keyOf(target: UdpTrackerTarget): string {
  return `${target.address}|${target.port}`;
}
