/**
 * A bare KRPC client over one UDP socket (udp4, or udp6 when opened on an IPv6 address such as
 * ::1), for tests that talk to simulated nodes the way a collector or a BitTorrent client would:
 * raw datagrams, transaction ids, timeouts. `queryRaw` and `collect` see every datagram as it
 * arrived, for hostile nodes whose replies a KRPC parser would refuse.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { type EncodableValue, encodeBencode } from '../../protocol/bencode.ts';
import { type KrpcMessage, parseKrpcMessage } from '../../protocol/krpc.ts';

export interface UdpTarget {
  host: string;
  port: number;
}

export interface QueryOptions {
  timeoutMs?: number;
  /** BEP 43: mark the query read-only so the node does not add this client to its table. */
  readOnly?: boolean;
}

/** "127.1.0.1:6881" or "[::1]:6881". */
export function parseHostPort(text: string): UdpTarget {
  const colon = text.lastIndexOf(':');
  return { host: text.slice(0, colon).replace(/^\[(.*)\]$/, '$1'), port: Number(text.slice(colon + 1)) };
}

export type KrpcResponse = Extract<KrpcMessage, { kind: 'response' }>;

/** Asserts that a query got a response (not an error, not a timeout) and narrows it. */
export function expectResponse(message: KrpcMessage | undefined): KrpcResponse {
  assert.equal(message?.kind, 'response', `expected a response, got ${JSON.stringify(message)}`);
  return message as KrpcResponse;
}

export interface RawDatagram {
  datagram: Buffer;
  from: UdpTarget;
}

type RawListener = (received: RawDatagram) => void;

export class SimKrpcClient {
  private nextTransaction = 0;
  private readonly pending = new Map<string, { resolve: (message: KrpcMessage) => void; timer: NodeJS.Timeout }>();
  private readonly rawListeners = new Set<RawListener>();

  private constructor(
    private readonly socket: dgram.Socket,
    readonly id: Buffer,
  ) {
    socket.on('message', (datagram, remote) => {
      for (const listener of this.rawListeners) listener({ datagram, from: { host: remote.address, port: remote.port } });
      let message: KrpcMessage;
      try {
        message = parseKrpcMessage(datagram);
      } catch {
        return;
      }
      const key = message.transactionId.toString('hex');
      const waiter = this.pending.get(key);
      if (!waiter) return;
      this.pending.delete(key);
      clearTimeout(waiter.timer);
      waiter.resolve(message);
    });
  }

  static async open(host = '127.0.0.1', id: Buffer = randomBytes(20)): Promise<SimKrpcClient> {
    const socket = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, host, () => resolve());
    });
    return new SimKrpcClient(socket, id);
  }

  get address(): UdpTarget {
    const { address, port } = this.socket.address();
    return { host: address, port };
  }

  private encodeQuery(method: string, args: Record<string, EncodableValue>, options: QueryOptions): { transactionId: Buffer; datagram: Buffer } {
    const transactionId = Buffer.alloc(2);
    transactionId.writeUInt16BE(this.nextTransaction++ & 0xffff);
    const message: Record<string, EncodableValue> = { t: transactionId, y: 'q', q: method, a: { id: this.id, ...args } };
    if (options.readOnly) message.ro = 1;
    return { transactionId, datagram: encodeBencode(message) };
  }

  /** Resolves with the reply (response or error), or undefined after the timeout. */
  query(target: UdpTarget, method: string, args: Record<string, EncodableValue> = {}, options: QueryOptions = {}): Promise<KrpcMessage | undefined> {
    const { transactionId, datagram } = this.encodeQuery(method, args, options);
    return new Promise((resolve) => {
      const key = transactionId.toString('hex');
      const timer = setTimeout(() => {
        this.pending.delete(key);
        resolve(undefined);
      }, options.timeoutMs ?? 1000);
      this.pending.set(key, { resolve, timer });
      this.socket.send(datagram, target.port, target.host);
    });
  }

  /**
   * Sends a query and resolves with the first datagram that comes back from the target's address,
   * whatever it holds (garbage, oversized, another transaction id), or undefined after the timeout.
   */
  queryRaw(target: UdpTarget, method: string, args: Record<string, EncodableValue> = {}, options: QueryOptions = {}): Promise<RawDatagram | undefined> {
    const { datagram } = this.encodeQuery(method, args, options);
    return new Promise((resolve) => {
      const listener: RawListener = (received) => {
        if (received.from.port !== target.port || received.from.host !== target.host) return;
        this.rawListeners.delete(listener);
        clearTimeout(timer);
        resolve(received);
      };
      const timer = setTimeout(() => {
        this.rawListeners.delete(listener);
        resolve(undefined);
      }, options.timeoutMs ?? 1000);
      this.rawListeners.add(listener);
      this.socket.send(datagram, target.port, target.host);
    });
  }

  /** Every datagram received while `during` runs and for `settleMs` after it. */
  async collect(during: () => Promise<unknown>, settleMs: number): Promise<RawDatagram[]> {
    const received: RawDatagram[] = [];
    const listener: RawListener = (datagram) => received.push(datagram);
    this.rawListeners.add(listener);
    try {
      await during();
      await new Promise((resolve) => setTimeout(resolve, settleMs));
    } finally {
      this.rawListeners.delete(listener);
    }
    return received;
  }

  sendRaw(datagram: Buffer, target: UdpTarget): Promise<void> {
    return new Promise((resolve) => this.socket.send(datagram, target.port, target.host, () => resolve()));
  }

  close(): Promise<void> {
    for (const { timer } of this.pending.values()) clearTimeout(timer);
    this.pending.clear();
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}
