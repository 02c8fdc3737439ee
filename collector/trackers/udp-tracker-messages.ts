/**
 * BEP 15 (UDP tracker protocol) packets, big-endian throughout:
 *   connect request   protocol_id i64 = 0x41727101980, action i32 = 0, transaction_id i32
 *   connect response  action 0, transaction_id, connection_id i64
 *   scrape request    connection_id i64, action i32 = 2, transaction_id i32, info_hash 20 bytes × N
 *   scrape response   action 2, transaction_id, then seeders, completed, leechers (i32 each) per info_hash
 *   error response    action 3, transaction_id, message (text)
 * The infohashes travel as their raw 20 bytes: what BEP 15 specifies, and what bittorrent-tracker's
 * client gets wrong (see udp-tracker-client.ts).
 */
import { INFOHASH_BYTES } from '../../core/infohash.ts';

export const PROTOCOL_ID = Buffer.from('0000041727101980', 'hex');
export const ACTION_CONNECT = 0;
export const ACTION_ANNOUNCE = 1;
export const ACTION_SCRAPE = 2;
export const ACTION_ERROR = 3;
/** BEP 15: "Up to about 74 torrents can be scraped at once" (74 × 20 + 16 bytes fits a 1500-byte MTU). */
export const MAX_SCRAPE_INFOHASHES = 74;
const SCRAPE_ENTRY_BYTES = 12;
const HEADER_BYTES = 8;

export interface ScrapeCounts {
  seeders: number;
  leechers: number;
  completed: number;
}

export type TrackerReply =
  | { action: typeof ACTION_CONNECT; transactionId: number; connectionId: Buffer }
  | { action: typeof ACTION_SCRAPE; transactionId: number; entries: ScrapeCounts[] }
  | { action: typeof ACTION_ERROR; transactionId: number; message: string };

export function connectRequest(transactionId: number): Buffer {
  const packet = Buffer.alloc(16);
  PROTOCOL_ID.copy(packet, 0);
  packet.writeUInt32BE(ACTION_CONNECT, 8);
  packet.writeUInt32BE(transactionId, 12);
  return packet;
}

/** `infohashes` are 40-hex strings; each goes on the wire as its 20 raw bytes. */
export function scrapeRequest(connectionId: Buffer, transactionId: number, infohashes: readonly string[]): Buffer {
  const packet = Buffer.alloc(16 + INFOHASH_BYTES * infohashes.length);
  connectionId.copy(packet, 0);
  packet.writeUInt32BE(ACTION_SCRAPE, 8);
  packet.writeUInt32BE(transactionId, 12);
  infohashes.forEach((infohash, index) => Buffer.from(infohash, 'hex').copy(packet, 16 + INFOHASH_BYTES * index));
  return packet;
}

/** A reply we understand, or undefined for anything else (too short, unknown action): ignored, never trusted. */
export function parseReply(packet: Buffer): TrackerReply | undefined {
  if (packet.length < HEADER_BYTES) return undefined;
  const action = packet.readUInt32BE(0);
  const transactionId = packet.readUInt32BE(4);
  if (action === ACTION_CONNECT) {
    return packet.length >= 16 ? { action, transactionId, connectionId: Buffer.from(packet.subarray(8, 16)) } : undefined;
  }
  if (action === ACTION_SCRAPE) {
    const entries: ScrapeCounts[] = [];
    for (let offset = HEADER_BYTES; offset + SCRAPE_ENTRY_BYTES <= packet.length; offset += SCRAPE_ENTRY_BYTES) {
      entries.push({ seeders: packet.readUInt32BE(offset), completed: packet.readUInt32BE(offset + 4), leechers: packet.readUInt32BE(offset + 8) });
    }
    return { action, transactionId, entries };
  }
  if (action === ACTION_ERROR) {
    // A tracker's own words, shortened and stripped of control characters before they reach a log.
    return { action, transactionId, message: packet.toString('utf8', HEADER_BYTES, HEADER_BYTES + 200).replace(/[\u0000-\u001f\u007f]/g, ' ').trim() };
  }
  return undefined;
}
