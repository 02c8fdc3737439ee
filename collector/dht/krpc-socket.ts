/**
 * A KRPC client over one UDP socket (BEP 5). Built here rather than on `k-rpc`/`bittorrent-dht`
 * because the stock packages share one in-flight limit (16) across all lookups, wait ≥ 2 s on every
 * dead node, have no IPv6 (BEP 32), no BEP 33 scrape and no per-lookup concurrency. This socket only
 * matches replies to queries; lookups decide concurrency and timeouts themselves.
 *
 * We announce ourselves as read-only (BEP 43, `ro: 1`): a measurement crawler should not be put in
 * other nodes' routing tables, where it would be asked to store peers it never serves. The one
 * exception is the discovery crawler's passive node (collector/discovery/passive-node.ts), which
 * must be in routing tables to be asked about infohashes: it sends no `ro` and answers queries itself.
 */
import { randomInt } from 'node:crypto';
import dgram from 'node:dgram';
import { EventEmitter } from 'node:events';
import net from 'node:net';
import { SwarmscopeError } from '../../core/errors.ts';
import { encodeBencode } from '../../protocol/bencode.ts';
import { addressKey } from '../../protocol/compact.ts';
import { type KrpcQuery, type KrpcQueryName, type KrpcResponse, encodeErrorReply, encodeResponse, parseKrpcMessage } from '../../protocol/krpc.ts';
import { randomNodeId } from '../../protocol/node-id.ts';
import { DhtCounters } from './dht-counters.ts';
import { DEFAULT_MAX_QUERIES_PER_IP_PER_10S, IpRateLimiter } from './ip-rate-limiter.ts';
import { QueryPacer } from './query-pacer.ts';
import { RttEstimator } from './rtt-estimator.ts';

/** The floor of adaptive timeouts: below this, a busy event loop on our side reads as loss. */
export const MIN_ADAPTIVE_TIMEOUT_MS = 250;

export interface KrpcTarget {
  host: string;
  port: number;
}

export class KrpcTimeoutError extends Error {
  constructor(target: KrpcTarget, timeoutMs: number) {
    super(`no answer from ${addressKey(target)} within ${timeoutMs} ms`);
    this.name = 'KrpcTimeoutError';
  }
}

export class KrpcRemoteError extends Error {
  constructor(
    readonly errorCode: number,
    message: string,
  ) {
    super(`remote error ${errorCode}: ${message}`);
    this.name = 'KrpcRemoteError';
  }
}

interface Pending {
  key: string;
  resolve: (response: KrpcResponse) => void;
  reject: (error: Error) => void;
  timer?: NodeJS.Timeout;
  sentAtMs: number;
}

export interface KrpcSocketOptions {
  bindHost?: string;
  port?: number;
  nodeId?: Buffer;
  counters?: DhtCounters;
  /** The longest a query waits for its answer, and the timeout before RTTs are known. */
  maxQueryTimeoutMs?: number;
  maxQueriesPerIpPer10s?: number;
  /**
   * Send only to 127.0.0.0/8 and ::1. Tests, the sim and the demo set it: a hostile or fuzzed reply
   * may list contacts anywhere, and those must never be queried from a test run.
   */
  loopbackOnly?: boolean;
  /** false: every query waits the full maxQueryTimeoutMs (the stock behaviour; benchmarks compare). */
  adaptiveTimeouts?: boolean;
  /** A total budget: at most this many queries per second leave the socket, evenly spaced. */
  maxQueriesPerSecond?: number;
  /**
   * Answers incoming queries (a node that is not read-only): the returned datagram is sent back,
   * undefined sends nothing. Without it the socket is read-only (BEP 43): `ro: 1`, pings only.
   */
  answerQuery?: (query: KrpcQuery, remote: KrpcTarget) => Buffer | undefined;
}

export function isLoopbackHost(host: string): boolean {
  return (net.isIPv4(host) && host.startsWith('127.')) || host === '::1';
}

export class KrpcSocket extends EventEmitter {
  readonly nodeId: Buffer;
  readonly counters: DhtCounters;
  readonly rtt: RttEstimator;
  private readonly limiter: IpRateLimiter;
  private readonly pacer?: QueryPacer;
  private readonly loopbackOnly: boolean;
  private readonly queryAnswerer?: KrpcSocketOptions['answerQuery'];
  private readonly socket: dgram.Socket;
  private readonly pending = new Map<number, Pending>();
  private closed = false;

  private constructor(socket: dgram.Socket, options: KrpcSocketOptions) {
    super();
    this.socket = socket;
    this.nodeId = options.nodeId ?? randomNodeId();
    this.counters = options.counters ?? new DhtCounters();
    const maxTimeoutMs = options.maxQueryTimeoutMs ?? 2000;
    this.rtt = new RttEstimator(options.adaptiveTimeouts === false ? maxTimeoutMs : MIN_ADAPTIVE_TIMEOUT_MS, maxTimeoutMs);
    this.limiter = new IpRateLimiter(options.maxQueriesPerIpPer10s ?? DEFAULT_MAX_QUERIES_PER_IP_PER_10S);
    this.loopbackOnly = options.loopbackOnly ?? false;
    if (options.maxQueriesPerSecond !== undefined) this.pacer = new QueryPacer(options.maxQueriesPerSecond);
    this.queryAnswerer = options.answerQuery;
    socket.on('message', (message, remote) => this.onMessage(message, remote));
    // A send to a closed port can surface as an asynchronous socket error; it must not crash us.
    socket.on('error', (error) => this.emit('warning', error));
  }

  static async open(options: KrpcSocketOptions = {}): Promise<KrpcSocket> {
    const bindHost = options.bindHost ?? '0.0.0.0';
    const socket = dgram.createSocket({ type: net.isIPv6(bindHost) ? 'udp6' : 'udp4', ipv6Only: net.isIPv6(bindHost) });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(options.port ?? 0, bindHost, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    return new KrpcSocket(socket, options);
  }

  get address(): { host: string; port: number } {
    const { address, port } = this.socket.address();
    return { host: address, port };
  }

  get isClosed(): boolean {
    return this.closed;
  }

  get inFlight(): number {
    return this.pending.size;
  }

  /** The adaptive timeout, doubled `backoffs` times (rtt-estimator.ts): for a retry of a node that timed out. */
  backedOffTimeoutMs(backoffs: number): number {
    return this.rtt.timeoutMs(backoffs);
  }

  /**
   * Sends a query and resolves with the reply. `timeoutMs` defaults to the adaptive timeout; it
   * counts from the moment the datagram leaves, after any wait imposed by the per-IP rate limit.
   */
  query(target: KrpcTarget, method: KrpcQueryName, args: Record<string, Buffer | number | Buffer[] | string[] | undefined>, timeoutMs?: number): Promise<KrpcResponse> {
    if (this.closed) return Promise.reject(new Error('KRPC socket is closed'));
    if (this.loopbackOnly && !isLoopbackHost(target.host)) {
      this.counters.nonLoopbackRefused++;
      return Promise.reject(new Error(`refused to query ${addressKey(target)}: loopback-only mode`));
    }
    const transaction = this.allocateTransaction();
    const transactionId = Buffer.alloc(2);
    transactionId.writeUInt16BE(transaction);
    const readOnly = this.queryAnswerer ? undefined : 1;
    const datagram = encodeBencode({ t: transactionId, y: 'q', q: method, a: { id: this.nodeId, ...args }, ro: readOnly });
    return new Promise<KrpcResponse>((resolve, reject) => {
      const entry: Pending = { key: addressKey(target), resolve, reject, sentAtMs: 0 };
      this.pending.set(transaction, entry);
      const send = (): void => {
        if (this.closed || !this.pending.has(transaction)) return;
        // The total budget first: a slot it grants is spent even if the per-IP limit then waits, so
        // the budget can only be under-used, never exceeded.
        const waitMs = this.pacer?.reserve() || this.limiter.reserve(target.host);
        if (waitMs > 0) {
          this.counters.rateLimitedWaits++;
          entry.timer = setTimeout(send, waitMs);
          return;
        }
        const effectiveTimeoutMs = timeoutMs ?? this.rtt.timeoutMs();
        entry.sentAtMs = performance.now();
        entry.timer = setTimeout(() => {
          this.pending.delete(transaction);
          this.counters.timeouts++;
          reject(new KrpcTimeoutError(target, effectiveTimeoutMs));
        }, effectiveTimeoutMs);
        this.counters.queriesSent++;
        this.socket.send(datagram, target.port, target.host, (error) => {
          if (!error || this.pending.get(transaction) !== entry) return;
          clearTimeout(entry.timer);
          this.pending.delete(transaction);
          this.counters.sendErrors++;
          reject(error);
        });
      };
      send();
    });
  }

  /** A random free 16-bit id: sequential ids would let a node predict and answer our next query. */
  private allocateTransaction(): number {
    if (this.pending.size >= 0x10000) throw new SwarmscopeError('internal', 'all 65,536 KRPC transaction ids are in flight');
    for (;;) {
      const candidate = randomInt(0x10000);
      if (!this.pending.has(candidate)) return candidate;
    }
  }

  private onMessage(datagram: Buffer, remote: dgram.RemoteInfo): void {
    this.counters.datagramsReceived++;
    let message;
    try {
      message = parseKrpcMessage(datagram);
    } catch {
      this.counters.malformedDropped++;
      return;
    }
    if (message.kind === 'query') {
      // In loopback-only mode nothing beyond this machine gets an answer (no reflection off a test).
      if (this.loopbackOnly && !isLoopbackHost(remote.address)) return;
      if (this.queryAnswerer) {
        const reply = this.queryAnswerer(message, { host: remote.address, port: remote.port });
        if (reply) this.socket.send(reply, remote.port, remote.address, () => undefined);
      } else {
        this.answerReadOnly(message.transactionId, message.method, remote);
      }
      return;
    }
    const transaction = message.transactionId.length === 2 ? message.transactionId.readUInt16BE(0) : -1;
    const entry = this.pending.get(transaction);
    // A reply must come from the address the query went to, after it went (a query held back by the
    // rate limit is pending but unsent); anything else is spoofed, guessed or stale.
    if (!entry || entry.sentAtMs === 0 || entry.key !== addressKey({ host: remote.address, port: remote.port })) {
      this.counters.unexpectedDropped++;
      return;
    }
    clearTimeout(entry.timer);
    this.pending.delete(transaction);
    this.rtt.record(performance.now() - entry.sentAtMs);
    if (message.kind === 'error') {
      this.counters.errorReplies++;
      entry.reject(new KrpcRemoteError(message.errorCode, message.errorMessage));
      return;
    }
    this.counters.responsesReceived++;
    entry.resolve(message);
  }

  /** A read-only node (BEP 43) still answers pings, so a node checking on us gets a reply; nothing else is served. */
  private answerReadOnly(transactionId: Buffer, method: string, remote: dgram.RemoteInfo): void {
    const reply = method === 'ping' ? encodeResponse(transactionId, { id: this.nodeId }) : encodeErrorReply(transactionId, 204, 'read-only node');
    this.socket.send(reply, remote.port, remote.address, () => undefined);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const [transaction, entry] of this.pending) {
      clearTimeout(entry.timer);
      entry.reject(new Error('KRPC socket closed'));
      this.pending.delete(transaction);
    }
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }
}
