/**
 * Nodes that behave like poisoners. An honest node holds a torrent's peers only if announces
 * reached it, i.e. if it is among the nodes closest to the infohash; a node that returns values
 * while far from the infohash (outside the closest responders of the lookup) gets a strike, and
 * after `STRIKES_TO_SUSPECT` strikes its values are ignored in every lookup. Bounded in size.
 *
 * A node is identified by its IP: one host running many nodes gets one voice. On loopback (the sim
 * and tests, where IPv6 has only ::1) the port is part of the identity.
 */
import { isBogonAddress } from '../../core/address-class.ts';
import { addressKey } from '../../protocol/compact.ts';

export const STRIKES_TO_SUSPECT = 2;
const MAX_TRACKED_NODES = 50_000;

export function sourceKey(address: { host: string; port: number }): string {
  return address.host.startsWith('127.') || address.host === '::1' ? addressKey(address) : address.host;
}

export class SuspectNodes {
  private readonly strikes = new Map<string, number>();
  private readonly suspects = new Set<string>();

  isSuspect(source: string): boolean {
    return this.suspects.has(source);
  }

  /** Returns true when this strike made the node a suspect. */
  strike(source: string): boolean {
    if (this.suspects.has(source)) return false;
    const count = (this.strikes.get(source) ?? 0) + 1;
    if (count >= STRIKES_TO_SUSPECT) {
      this.strikes.delete(source);
      this.suspects.add(source);
      if (this.suspects.size > MAX_TRACKED_NODES) this.suspects.delete(this.suspects.values().next().value!);
      return true;
    }
    this.strikes.set(source, count);
    if (this.strikes.size > MAX_TRACKED_NODES) this.strikes.delete(this.strikes.keys().next().value!);
    return false;
  }

  get size(): number {
    return this.suspects.size;
  }
}

/** Private and loopback responders are exempt from BEP 42, as the BEP says for local networks. */
export function isBep42Exempt(host: string): boolean {
  return isBogonAddress(host);
}
