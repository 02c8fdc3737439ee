/**
 * Made-up IP addresses: public ones for ground-truth peers and fabricated values, bogons for the
 * `bogon` hostile behaviour. Public means "not a bogon" by the same `isBogonAddress` the collector
 * uses, so an honest peer is never filtered out as a martian and a bogon always is.
 */
import { isBogonAddress } from '../core/address-class.ts';
import { bytesToIpv6, ipv6ToBytes } from '../protocol/compact.ts';
import type { SeededRandom } from './prng.ts';

export type IpFamily = 4 | 6;

/** Peers listen on unprivileged ports; 1024..65535 as real clients pick them. */
export const MIN_PEER_PORT = 1024;
export const MAX_PEER_PORT = 65535;
export const IPV4_BYTES = 4;
export const IPV6_BYTES = 16;
/** Give up instead of looping forever should the bogon filter ever reject (almost) everything. */
const MAX_DRAWS_PER_ADDRESS = 64;
/** 2000::/3: IANA's global unicast space (RFC 4291 §2.4, RFC 3587); the rest of IPv6 is special or unassigned. */
const GLOBAL_UNICAST_HIGH_BITS = 0x20;
const GLOBAL_UNICAST_LOW_MASK = 0x1f;
/** 2001:db8::/32, the IPv6 documentation prefix (RFC 3849): never a real peer. */
const DOCUMENTATION_V6 = Buffer.from([0x20, 0x01, 0x0d, 0xb8]);

/**
 * Bogon ranges to draw from, one of each kind the collector must refuse: RFC 1918 private, RFC 6598
 * CGN, loopback, link-local, RFC 5737 / RFC 3849 documentation, multicast, unspecified, RFC 4193 ULA.
 */
const BOGON_RANGES: Record<IpFamily, [network: string, prefix: number][]> = {
  4: [
    ['10.0.0.0', 8],
    ['172.16.0.0', 12],
    ['192.168.0.0', 16],
    ['100.64.0.0', 10],
    ['127.0.0.0', 8],
    ['169.254.0.0', 16],
    ['192.0.2.0', 24],
    ['198.51.100.0', 24],
    ['203.0.113.0', 24],
    ['224.0.0.0', 4],
    ['0.0.0.0', 8],
  ],
  6: [
    ['fc00::', 7],
    ['fe80::', 10],
    ['::1', 128],
    ['2001:db8::', 32],
    ['ff00::', 8],
    ['::', 128],
  ],
};

export function ipBytesOf(family: IpFamily): number {
  return family === 4 ? IPV4_BYTES : IPV6_BYTES;
}

/** Dotted quad or RFC 5952 text of 4 or 16 address bytes. */
export function ipText(bytes: Buffer): string {
  return bytes.length === IPV4_BYTES ? `${bytes[0]}.${bytes[1]}.${bytes[2]}.${bytes[3]}` : bytesToIpv6(bytes);
}

/** One 32-bit draw, big endian: the order in which swarms generated before IPv6 drew their peers. */
function drawIpv4(random: SeededRandom): Buffer {
  const bytes = Buffer.alloc(IPV4_BYTES);
  bytes.writeUInt32BE(random.nextUint32());
  return bytes;
}

function drawIpv6GlobalUnicast(random: SeededRandom): Buffer {
  const bytes = random.bytes(IPV6_BYTES);
  bytes[0] = GLOBAL_UNICAST_HIGH_BITS | (bytes[0]! & GLOBAL_UNICAST_LOW_MASK);
  return bytes;
}

function isPublic(bytes: Buffer): boolean {
  if (bytes.length === IPV6_BYTES && bytes.subarray(0, DOCUMENTATION_V6.length).equals(DOCUMENTATION_V6)) return false;
  return !isBogonAddress(ipText(bytes));
}

/**
 * A random public address: any IPv4 that is not a bogon, or an IPv6 inside 2000::/3 that is not a
 * bogon. `isFresh` lets a caller insist on addresses it has not used yet (distinct peers).
 */
export function drawPublicIp(random: SeededRandom, family: IpFamily, isFresh: (bytes: Buffer) => boolean = () => true): Buffer {
  let bytes: Buffer = Buffer.alloc(0);
  for (let draw = 0; draw < MAX_DRAWS_PER_ADDRESS; draw++) {
    bytes = family === 4 ? drawIpv4(random) : drawIpv6GlobalUnicast(random);
    if (isFresh(bytes) && isPublic(bytes)) return bytes;
  }
  throw new Error(
    `sim: ${MAX_DRAWS_PER_ADDRESS} random IPv${family} addresses in a row were bogons or taken (the last ${ipText(bytes)}); ` +
      'is core/address-class.ts classifying public addresses as bogons?',
  );
}

/** A random address inside one of the bogon ranges of that family. */
export function drawBogonIp(random: SeededRandom, family: IpFamily): Buffer {
  const ranges = BOGON_RANGES[family];
  const [network, prefix] = ranges[random.nextInt(0, ranges.length - 1)]!;
  const base = family === 4 ? Buffer.from(network.split('.').map(Number)) : ipv6ToBytes(network);
  const host = random.bytes(base.length);
  const out = Buffer.alloc(base.length);
  for (let index = 0; index < base.length; index++) {
    // Bits inside the prefix come from the network, the rest are random host bits.
    const networkBits = Math.max(0, Math.min(8, prefix - index * 8));
    const mask = (0xff << (8 - networkBits)) & 0xff;
    out[index] = (base[index]! & mask) | (host[index]! & ~mask & 0xff);
  }
  return out;
}


/** `count` compact peers (BEP 5 / BEP 32 `values` entries) with made-up public or bogon addresses. */
export function drawCompactPeers(random: SeededRandom, family: IpFamily, count: number, kind: 'public' | 'bogon'): Buffer[] {
  return Array.from({ length: count }, () => {
    const ip = kind === 'public' ? drawPublicIp(random, family) : drawBogonIp(random, family);
    const compact = Buffer.alloc(ip.length + 2);
    ip.copy(compact);
    compact.writeUInt16BE(random.nextInt(MIN_PEER_PORT, MAX_PEER_PORT), ip.length);
    return compact;
  });
}
