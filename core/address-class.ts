/**
 * Which addresses are bogons or martians: never valid as public BitTorrent peers or DHT nodes.
 * Ranges from RFC 6890 (special-purpose registries), RFC 1918 (private), RFC 6598 (CGN),
 * RFC 4193 (IPv6 ULA) and RFC 4291 (IPv6 link-local, loopback, multicast).
 */
import net from 'node:net';

const blockList = new net.BlockList();
const V4_SPECIAL: [string, number][] = [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 3], // multicast and reserved, through 255.255.255.255
];
const V6_SPECIAL: [string, number][] = [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
];
for (const [network, prefix] of V4_SPECIAL) blockList.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of V6_SPECIAL) blockList.addSubnet(network, prefix, 'ipv6');

/** True for an address that cannot be a public peer: private, loopback, documentation, multicast… */
export function isBogonAddress(host: string): boolean {
  if (net.isIPv4(host)) return blockList.check(host, 'ipv4');
  if (net.isIPv6(host)) return blockList.check(host, 'ipv6');
  return true;
}

/** A port of 0 is never a listening peer. */
export function isUsablePeer(address: { host: string; port: number }, allowPrivateAddresses: boolean): boolean {
  if (address.port <= 0 || address.port > 65535) return false;
  if (!allowPrivateAddresses && isBogonAddress(address.host)) return false;
  return true;
}
