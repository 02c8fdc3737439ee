/**
 * The UDP socket of one simulated node in one address family: bound with an error that says what
 * to do about it, and hardened so that a failing send never takes the swarm down.
 */
import dgram from 'node:dgram';
import { SwarmscopeError } from '../core/errors.ts';
import type { IpFamily } from './synthetic-addresses.ts';

export interface RemoteAddress {
  address: string;
  port: number;
  family: IpFamily;
}

const HINTS: Record<IpFamily, string> = {
  4: 'the simulator needs all of 127.0.0.0/8 routed to loopback, as Linux does',
  6: 'the simulator needs IPv6 on loopback (::1); check net.ipv6.conf.lo.disable_ipv6',
};

export function bindNodeSocket(host: string, port: number, family: IpFamily, onMessage: (datagram: Buffer, remote: RemoteAddress) => void): Promise<dgram.Socket> {
  // ipv6Only: `::1` must not also receive IPv4-mapped traffic; each family has its own socket.
  const socket = dgram.createSocket(family === 4 ? { type: 'udp4' } : { type: 'udp6', ipv6Only: true });
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      const hint = error.code === 'EADDRINUSE' ? 'another socket holds that address and port: use port 0 or another bindHostBase' : HINTS[family];
      const where = family === 4 ? `${host}:${port}` : `[${host}]:${port}`;
      closeNodeSocket(socket).catch(() => {});
      reject(new SwarmscopeError('internal', `sim: cannot bind a DHT node to ${where}: ${error.code ?? error.message} (${hint})`, { cause: error }));
    };
    socket.once('error', onError);
    socket.bind(port, host, () => {
      socket.off('error', onError);
      // A send failing (e.g. the querier's port closed) must never take the process down.
      socket.on('error', () => {});
      socket.on('message', (datagram, remote) => onMessage(datagram, { address: remote.address, port: remote.port, family }));
      resolve(socket);
    });
  });
}

export function closeNodeSocket(socket: dgram.Socket | undefined): Promise<void> {
  if (!socket) return Promise.resolve();
  return new Promise((resolve) => {
    try {
      socket.close(() => resolve());
    } catch {
      resolve(); // already closed
    }
  });
}
