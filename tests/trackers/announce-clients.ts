/**
 * Test-side announces, so the tracker under test holds a known swarm: HTTP (BEP 3) and UDP (BEP 15).
 * Every peer announces from 127.0.0.1; trackers key peers by address AND port, so each port is a peer.
 */
import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { once } from 'node:events';

export interface Announce {
  infohash: string;
  port: number;
  /** 0 = a seeder. */
  left: number;
  event?: 'started' | 'completed';
}

const EVENT_CODES = { completed: 1, started: 2 } as const;

function peerId(port: number): string {
  return `-SW0001-${String(port).padStart(12, '0')}`;
}

export async function httpAnnounce(announceUrl: string, announce: Announce): Promise<void> {
  const query = [
    `info_hash=${announce.infohash.replace(/(..)/g, '%$1')}`,
    `peer_id=${peerId(announce.port)}`,
    `port=${announce.port}`,
    'uploaded=0',
    'downloaded=0',
    `left=${announce.left}`,
    'compact=1',
    ...(announce.event ? [`event=${announce.event}`] : []),
  ].join('&');
  const response = await fetch(`${announceUrl}?${query}`);
  const body = Buffer.from(await response.arrayBuffer()).toString('latin1');
  if (!response.ok || body.includes('failure reason')) throw new Error(`HTTP announce refused: ${response.status} ${body}`);
}

/** BEP 15: connect, then announce; one socket per call, 2 s to answer. */
export async function udpAnnounce(host: string, port: number, announce: Announce): Promise<void> {
  const socket = dgram.createSocket('udp4');
  const ask = async (packet: Buffer): Promise<Buffer> => {
    socket.send(packet, port, host);
    const timer = setTimeout(() => socket.emit('error', new Error('UDP announce: no answer within 2 s')), 2000);
    try {
      const [reply] = (await once(socket, 'message')) as [Buffer];
      return reply;
    } finally {
      clearTimeout(timer);
    }
  };
  try {
    const connect = Buffer.alloc(16);
    Buffer.from('0000041727101980', 'hex').copy(connect, 0);
    connect.writeUInt32BE(0, 8);
    connect.writeUInt32BE(randomBytes(4).readUInt32BE(0), 12);
    const connection = (await ask(connect)).subarray(8, 16);
    const packet = Buffer.alloc(98);
    connection.copy(packet, 0);
    packet.writeUInt32BE(1, 8);
    packet.writeUInt32BE(randomBytes(4).readUInt32BE(0), 12);
    Buffer.from(announce.infohash, 'hex').copy(packet, 16);
    Buffer.from(peerId(announce.port)).copy(packet, 36);
    packet.writeBigUInt64BE(0n, 56);
    packet.writeBigUInt64BE(BigInt(announce.left), 64);
    packet.writeBigUInt64BE(0n, 72);
    packet.writeUInt32BE(announce.event ? EVENT_CODES[announce.event] : 0, 80);
    packet.writeInt32BE(-1, 92);
    packet.writeUInt16BE(announce.port, 96);
    const reply = await ask(packet);
    if (reply.readUInt32BE(0) !== 1) throw new Error(`UDP announce refused: ${reply.toString('latin1', 8)}`);
  } finally {
    socket.close();
  }
}
