/**
 * A ut_pex (BEP 11) extension for sim listeners that sends one message naming a fixed list of
 * peers as soon as the other side's BEP 10 handshake says it speaks ut_pex — as libtorrent sends
 * its whole peer list in the first PEX message after the handshake (ut_pex.cpp, `m_first_time`).
 * It never reads what the other side sends: a sim peer learns nothing from its visitors.
 */
import { EventEmitter } from 'node:events';
import type Wire from 'bittorrent-protocol';

/** BEP 11: a PEX message should name at most 50 added peers. */
export const BEP11_MAX_ADDED_PER_MESSAGE = 50;
const COMPACT_V4_BYTES = 6;

export function pexSender(added: Buffer, onSent: () => void) {
  const capped = added.subarray(0, BEP11_MAX_ADDED_PER_MESSAGE * COMPACT_V4_BYTES);
  class PexSender extends EventEmitter {
    /** bittorrent-protocol finds an extension's name on its prototype. */
    declare name: string;
    constructor(private readonly wire: Wire) {
      super();
    }

    onExtendedHandshake(): void {
      // BEP 11 flags per peer: 0x10 "reachable" — the peers a client connected out to.
      (this.wire as unknown as { extended(name: string, message: object): void }).extended('ut_pex', {
        added: capped,
        'added.f': Buffer.alloc(capped.length / COMPACT_V4_BYTES, 0x10),
      });
      onSent();
    }

    onMessage(): void {}
  }
  PexSender.prototype.name = 'ut_pex';
  return PexSender;
}
