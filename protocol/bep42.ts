/**
 * BEP 42 (DHT security extension): a node id's first 21 bits should be derived from its IP,
 * crc32c((ip & mask) | (r << 29)) with r = the id's last byte & 7, so that an attacker cannot pick
 * ids near a target. swarmscope records whether responders comply, but does not enforce it (as
 * libtorrent by default), since many honest nodes predate the BEP. Local addresses are exempt.
 */
import net from 'node:net';
import { ipv6ToBytes } from './compact.ts';

const CASTAGNOLI = 0x82f63b78;
const CRC32C_TABLE = Array.from({ length: 256 }, (_, index) => {
  let crc = index;
  for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ CASTAGNOLI : crc >>> 1;
  return crc >>> 0;
});

export function crc32c(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = CRC32C_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

const V4_MASK = [0x03, 0x0f, 0x3f, 0xff];
const V6_MASK = [0x01, 0x03, 0x07, 0x0f, 0x1f, 0x3f, 0x7f, 0xff];

/** The crc32c BEP 42 expects for this IP and random value r (0–7). */
export function bep42Crc(host: string, r: number): number {
  const masked = net.isIPv4(host)
    ? Buffer.from(host.split('.').map((octet, index) => Number(octet) & V4_MASK[index]!))
    : Buffer.from([...ipv6ToBytes(host).subarray(0, 8)].map((byte, index) => byte & V6_MASK[index]!));
  masked[0] = masked[0]! | ((r & 7) << 5);
  return crc32c(masked);
}

/** True when the id's first 21 bits match the crc of the IP (BEP 42 "valid" node id). */
export function isBep42Compliant(id: Buffer, host: string): boolean {
  const crc = bep42Crc(host, id[19]! & 7);
  return id[0] === (crc >>> 24) && id[1] === ((crc >>> 16) & 0xff) && (id[2]! & 0xf8) === ((crc >>> 8) & 0xf8);
}
