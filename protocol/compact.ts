/**
 * Compact peer and node encodings.
 * BEP 5: compact peer info is 4 bytes IPv4 + 2 bytes port; compact node info is a 20-byte id + 6 bytes.
 * BEP 32: the IPv6 forms are 16 + 2 bytes (peers) and 20 + 18 bytes (nodes, key `nodes6`).
 */
import net from 'node:net';

export const NODE_ID_BYTES = 20;
export const COMPACT_PEER_V4_BYTES = 6;
export const COMPACT_PEER_V6_BYTES = 18;
export const COMPACT_NODE_V4_BYTES = NODE_ID_BYTES + COMPACT_PEER_V4_BYTES;
export const COMPACT_NODE_V6_BYTES = NODE_ID_BYTES + COMPACT_PEER_V6_BYTES;

export interface PeerAddress {
  host: string;
  port: number;
  family: 4 | 6;
}

export interface NodeContact extends PeerAddress {
  id: Buffer;
}

/** `host:port`, with brackets for IPv6, as a stable key for sets. */
export function addressKey(address: { host: string; port: number }): string {
  return net.isIPv6(address.host) ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
}

export function encodeCompactPeer(address: { host: string; port: number }): Buffer {
  if (net.isIPv4(address.host)) {
    const out = Buffer.alloc(COMPACT_PEER_V4_BYTES);
    address.host.split('.').forEach((octet, index) => out.writeUInt8(Number(octet), index));
    out.writeUInt16BE(address.port, 4);
    return out;
  }
  if (net.isIPv6(address.host)) {
    const out = Buffer.alloc(COMPACT_PEER_V6_BYTES);
    ipv6ToBytes(address.host).copy(out, 0);
    out.writeUInt16BE(address.port, 16);
    return out;
  }
  throw new TypeError(`not an IP address: ${address.host}`);
}

export function decodeCompactPeer(bytes: Buffer): PeerAddress | undefined {
  if (bytes.length === COMPACT_PEER_V4_BYTES) {
    return { host: `${bytes[0]}.${bytes[1]}.${bytes[2]}.${bytes[3]}`, port: bytes.readUInt16BE(4), family: 4 };
  }
  if (bytes.length === COMPACT_PEER_V6_BYTES) {
    return { host: bytesToIpv6(bytes.subarray(0, 16)), port: bytes.readUInt16BE(16), family: 6 };
  }
  return undefined;
}

export function encodeCompactNodes(nodes: readonly { id: Buffer; host: string; port: number }[]): Buffer {
  return Buffer.concat(nodes.map((node) => Buffer.concat([node.id, encodeCompactPeer(node)])));
}

/** Decodes a `nodes` (family 4) or `nodes6` (family 6) string; a ragged tail is ignored. */
export function decodeCompactNodes(bytes: Buffer, family: 4 | 6): NodeContact[] {
  const size = family === 4 ? COMPACT_NODE_V4_BYTES : COMPACT_NODE_V6_BYTES;
  const nodes: NodeContact[] = [];
  for (let offset = 0; offset + size <= bytes.length; offset += size) {
    const peer = decodeCompactPeer(bytes.subarray(offset + NODE_ID_BYTES, offset + size));
    if (peer) nodes.push({ id: Buffer.from(bytes.subarray(offset, offset + NODE_ID_BYTES)), ...peer });
  }
  return nodes;
}

export function ipv6ToBytes(host: string): Buffer {
  const [head = '', tail] = host.split('::');
  const parse = (part: string): number[] => (part === '' ? [] : part.split(':').flatMap(expandGroup));
  const headGroups = parse(head);
  const tailGroups = tail === undefined ? [] : parse(tail);
  const zeros = 8 - headGroups.length - tailGroups.length;
  const groups = [...headGroups, ...new Array<number>(Math.max(0, zeros)).fill(0), ...tailGroups];
  const out = Buffer.alloc(16);
  groups.slice(0, 8).forEach((group, index) => out.writeUInt16BE(group, index * 2));
  return out;
}

/** An embedded IPv4 tail (`::ffff:1.2.3.4`) counts as two groups. */
function expandGroup(group: string): number[] {
  if (group.includes('.')) {
    const octets = group.split('.').map(Number);
    return [((octets[0] ?? 0) << 8) | (octets[1] ?? 0), ((octets[2] ?? 0) << 8) | (octets[3] ?? 0)];
  }
  return [parseInt(group, 16)];
}

export function bytesToIpv6(bytes: Buffer): string {
  const groups: string[] = [];
  for (let index = 0; index < 16; index += 2) groups.push(bytes.readUInt16BE(index).toString(16));
  // Canonical form (RFC 5952): compress the longest run of zero groups.
  let bestStart = -1;
  let bestLength = 0;
  for (let start = 0; start < 8; ) {
    if (groups[start] !== '0') {
      start++;
      continue;
    }
    let end = start;
    while (end < 8 && groups[end] === '0') end++;
    if (end - start > bestLength && end - start > 1) {
      bestStart = start;
      bestLength = end - start;
    }
    start = end;
  }
  if (bestStart < 0) return groups.join(':');
  const head = groups.slice(0, bestStart).join(':');
  const tail = groups.slice(bestStart + bestLength).join(':');
  return `${head}::${tail}`;
}
