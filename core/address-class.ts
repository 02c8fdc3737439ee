/**
 * Which addresses are bogons or martians: never valid as public BitTorrent peers or DHT nodes, and
 * never a safe target for an outbound request (core/outbound-guard.ts). Ranges from RFC 6890
 * (special-purpose registries), RFC 1918 (private), RFC 6598 (CGN), RFC 4193 (IPv6 ULA) and
 * RFC 4291 (IPv6 link-local, loopback, multicast). Each range is named, so a refusal can say why.
 */
import net from 'node:net';

export type AddressClass =
  | 'unspecified'
  | 'private'
  | 'carrier-grade NAT'
  | 'loopback'
  | 'link-local'
  | 'IETF protocol assignments'
  | 'documentation'
  | 'benchmarking'
  | 'multicast or reserved'
  | 'NAT64 local-use'
  | 'discard-only'
  | 'unique local'
  | 'public';

type SpecialRange = [network: string, prefix: number, kind: Exclude<AddressClass, 'public'>];

const V4_SPECIAL: SpecialRange[] = [
  ['0.0.0.0', 8, 'unspecified'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'carrier-grade NAT'],
  ['127.0.0.0', 8, 'loopback'],
  // Includes 169.254.169.254, the cloud instance-metadata service.
  ['169.254.0.0', 16, 'link-local'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'IETF protocol assignments'],
  ['192.0.2.0', 24, 'documentation'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'benchmarking'],
  ['198.51.100.0', 24, 'documentation'],
  ['203.0.113.0', 24, 'documentation'],
  ['224.0.0.0', 3, 'multicast or reserved'], // multicast and reserved, through 255.255.255.255
];
const V6_SPECIAL: SpecialRange[] = [
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  ['64:ff9b:1::', 48, 'NAT64 local-use'],
  ['100::', 64, 'discard-only'],
  ['2001:db8::', 32, 'documentation'],
  ['fc00::', 7, 'unique local'],
  ['fe80::', 10, 'link-local'],
  ['ff00::', 8, 'multicast or reserved'],
];

const blockList = new net.BlockList();
const listsByClass = new Map<AddressClass, net.BlockList>();
for (const [ranges, family] of [[V4_SPECIAL, 'ipv4'], [V6_SPECIAL, 'ipv6']] as const) {
  for (const [network, prefix, kind] of ranges) {
    blockList.addSubnet(network, prefix, family);
    let list = listsByClass.get(kind);
    if (!list) listsByClass.set(kind, (list = new net.BlockList()));
    list.addSubnet(network, prefix, family);
  }
}

/** True for an address that cannot be a public peer: private, loopback, documentation, multicast… */
export function isBogonAddress(host: string): boolean {
  if (net.isIPv4(host)) return blockList.check(host, 'ipv4');
  if (net.isIPv6(host)) {
    const embedded = embeddedIpv4(host);
    return embedded ? blockList.check(embedded, 'ipv4') : blockList.check(host, 'ipv6');
  }
  return true;
}

/**
 * The IPv4 address a NAT64 (64:ff9b::/96, RFC 6052) or 6to4 (2002::/16, RFC 3056) address carries:
 * a packet to it reaches that IPv4 host, so it is judged as that host.
 */
export function embeddedIpv4(address: string): string | undefined {
  if (!net.isIPv6(address)) return undefined;
  const lower = address.toLowerCase();
  if (!lower.startsWith('64:ff9b:') && !lower.startsWith('2002:')) return undefined;
  // The WHATWG serializer writes IPv6 as hex groups only (no dotted tail), which expandIpv6 expects.
  const groups = expandIpv6(new URL(`http://[${address}]/`).hostname.slice(1, -1));
  if (groups[0] === 0x64 && groups[1] === 0xff9b && groups.slice(2, 6).every((group) => group === 0)) return ipv4From(groups[6]!, groups[7]!);
  if (groups[0] === 0x2002) return ipv4From(groups[1]!, groups[2]!);
  return undefined;
}

function expandIpv6(address: string): number[] {
  const [head = '', tail = ''] = address.split('::');
  const parse = (part: string): number[] => (part === '' ? [] : part.split(':').map((group) => Number.parseInt(group, 16)));
  const left = parse(head);
  const right = address.includes('::') ? parse(tail) : [];
  return [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
}

function ipv4From(high: number, low: number): string {
  return `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;
}

/**
 * The named range an IP address falls in, or `public`. IPv4-mapped IPv6 (`::ffff:127.0.0.1`) is
 * classified as the IPv4 address it carries, since a socket connecting to it reaches that address.
 * Throws for text that is not an IP address: callers resolve names first.
 */
export function classifyAddress(address: string): AddressClass {
  const family = net.isIPv4(address) ? 'ipv4' : net.isIPv6(address) ? 'ipv6' : undefined;
  if (!family) throw new TypeError(`"${address}" is not an IP address`);
  for (const [kind, list] of listsByClass) {
    if (list.check(address, family)) return kind;
  }
  return 'public';
}

/** A port of 0 is never a listening peer. */
export function isUsablePeer(address: { host: string; port: number }, allowPrivateAddresses: boolean): boolean {
  if (address.port <= 0 || address.port > 65535) return false;
  if (!allowPrivateAddresses && isBogonAddress(address.host)) return false;
  return true;
}
