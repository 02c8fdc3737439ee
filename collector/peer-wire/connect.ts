/**
 * The TCP connection a probe starts with (BEP 3 runs over TCP; uTP is not spoken). A target
 * guard comes first, like the DHT's loopback-only mode: with `targets: 'loopback'` (tests, the sim,
 * the demo) no socket is ever opened to anything but 127.0.0.0/8 or ::1, whatever address a DHT
 * node or a PEX message handed us. Only IP literals are accepted: a probe never resolves a name.
 */
import net from 'node:net';
import { classifyAddress, isUsablePeer } from '../../core/address-class.ts';
import { PeerWireFailure, reasonOfSocketError } from './peer-wire-failure.ts';

/** `loopback`: only 127.0.0.0/8 and ::1. `any`: the peers the collector accepts (public, plus private ones if allowed). */
export type ProbeTargets = 'loopback' | 'any';

export interface TargetPolicy {
  targets: ProbeTargets;
  allowPrivateAddresses: boolean;
}

export interface ConnectOptions extends TargetPolicy {
  timeoutMs: number;
}

export function isProbeTarget(address: { host: string; port: number }, policy: TargetPolicy): boolean {
  if (net.isIP(address.host) === 0 || !Number.isInteger(address.port) || address.port < 1 || address.port > 65535) return false;
  if (policy.targets === 'loopback') return classifyAddress(address.host) === 'loopback';
  return isUsablePeer(address, policy.allowPrivateAddresses);
}

/** Resolves with a connected socket, or rejects with a PeerWireFailure (never with the address in it). */
export function connectTcp(address: { host: string; port: number }, options: ConnectOptions): Promise<net.Socket> {
  if (!isProbeTarget(address, options)) return Promise.reject(new PeerWireFailure('refused-by-policy'));
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: address.host, port: address.port });
    const fail = (error: unknown): void => {
      clearTimeout(timer);
      socket.destroy();
      reject(new PeerWireFailure(reasonOfSocketError(error)));
    };
    const timer = setTimeout(() => fail(new PeerWireFailure('connect-timeout')), options.timeoutMs);
    socket.once('error', fail);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.off('error', fail);
      socket.setNoDelay(true);
      resolve(socket);
    });
  });
}
