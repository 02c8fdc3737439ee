/**
 * A bare KRPC client over one UDP socket, for tests that talk to simulated nodes the way a
 * collector or a BitTorrent client would: raw datagrams, transaction ids, timeouts.
 */
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

export function parseHostPort(text: string): UdpTarget {
  const colon = text.lastIndexOf(':');
  return { host: text.slice(0, colon), port: Number(text.slice(colon + 1)) };
}

export class SimKrpcClient {
  private nextTransaction = 0;
  private readonly pending = new Map<string, { resolve: (message: KrpcMessage) => void; timer: NodeJS.Timeout }>();

  private constructor(
    private readonly socket: dgram.Socket,
    readonly id: Buffer,
  ) {
    socket.on('message', (datagram) => {
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
    const socket = dgram.createSocket('udp4');
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

  /** Resolves with the reply (response or error), or undefined after the timeout. */
  query(target: UdpTarget, method: string, args: Record<string, EncodableValue> = {}, options: QueryOptions = {}): Promise<KrpcMessage | undefined> {
    const transactionId = Buffer.alloc(2);
    transactionId.writeUInt16BE(this.nextTransaction++ & 0xffff);
    const message: Record<string, EncodableValue> = { t: transactionId, y: 'q', q: method, a: { id: this.id, ...args } };
    if (options.readOnly) message.ro = 1;
    return new Promise((resolve) => {
      const key = transactionId.toString('hex');
      const timer = setTimeout(() => {
        this.pending.delete(key);
        resolve(undefined);
      }, options.timeoutMs ?? 1000);
      this.pending.set(key, { resolve, timer });
      this.socket.send(encodeBencode(message), target.port, target.host);
    });
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
