/**
 * Peer identity for distinct counts without keeping addresses (DESIGN.md §9): HMAC-SHA-256 of the
 * peer's IP bytes (4 for IPv4, 16 for IPv6; an IPv4-mapped IPv6 address counts as its IPv4) under
 * the epoch's key (peer-hash-key.ts). The port is left out: a client that restarts on another port
 * is the same peer, and ports would let one host look like many. Only the first 8 bytes go into a
 * HyperLogLog register (core/hyperloglog.ts); the hash itself is never written anywhere.
 */
import { createHmac } from 'node:crypto';
import net from 'node:net';
import { encodeCompactPeer } from '../../protocol/compact.ts';
import { HyperLogLog } from '../../core/hyperloglog.ts';

const IPV4_MAPPED_PREFIX = Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff]);

/** The address bytes HMAC'ed for a host: 4 for IPv4 (also when written IPv4-mapped), else 16. */
export function identityBytes(host: string): Buffer {
  if (!net.isIP(host)) throw new TypeError('not an IP address');
  const compact = encodeCompactPeer({ host, port: 0 });
  const ip = compact.subarray(0, compact.length - 2);
  if (ip.length === 16 && ip.subarray(0, 12).equals(IPV4_MAPPED_PREFIX)) return ip.subarray(12);
  return ip;
}

export class PeerHasher {
  constructor(private readonly key: Buffer) {}

  /** 32 bytes; HyperLogLog uses the first 8. */
  hash(host: string): Buffer {
    return this.hashIdentity(identityBytes(host));
  }

  /** The same from the address bytes of identityBytes (4 or 16). */
  hashIdentity(ipBytes: Uint8Array): Buffer {
    return createHmac('sha256', this.key).update(ipBytes).digest();
  }

  /** The sketch of the distinct IPs among `hosts`. */
  sketch(hosts: Iterable<string>): HyperLogLog {
    const sketch = new HyperLogLog();
    for (const host of hosts) sketch.addHash(this.hash(host));
    return sketch;
  }
}
