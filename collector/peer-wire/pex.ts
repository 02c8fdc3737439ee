/**
 * Peer exchange (BEP 11, ut_pex): peers a probed peer tells us about in the `added` / `added6`
 * lists of its PEX messages. They join the torrent's distinct set for this sweep, tagged 'pex'.
 * We only listen: swarmscope never sends a PEX message (it would advertise peers to others).
 * Most clients send their first PEX message within a second or two of the extended handshake
 * (libtorrent on its first tick), later ones once a minute, so a probe catches the first at most.
 */
import net from 'node:net';
import type Wire from 'bittorrent-protocol';
import type { UtPex } from 'ut_pex';
import { isUsablePeer } from '../../core/address-class.ts';
import { addressKey, type PeerAddress } from '../../protocol/compact.ts';

/** BEP 11 allows 50 added peers per message; a peer that lists more is not believed past this. */
export const MAX_PEX_PEERS_PER_PEER = 200;

/** ut_pex reports peers as `1.2.3.4:6881` or `[2001:db8::1]:6881`. */
export function parsePexPeer(text: string): PeerAddress | undefined {
  const match = /^\[([0-9a-fA-F:.]+)\]:(\d{1,5})$/.exec(text) ?? /^([0-9.]+):(\d{1,5})$/.exec(text);
  if (!match) return undefined;
  const host = match[1]!;
  const port = Number(match[2]);
  const family = net.isIPv4(host) ? 4 : net.isIPv6(host) ? 6 : 0;
  if (family === 0 || port < 1 || port > 65535) return undefined;
  return { host, port, family };
}

export class PexCollector {
  readonly peers = new Map<string, PeerAddress>();
  /** PEX messages received (one with no new peer still counts: the peer answered). */
  messages = 0;
  onChange: () => void = () => {};

  constructor(wire: Wire, pex: UtPex, options: { allowPrivateAddresses: boolean; limit?: number }) {
    const limit = options.limit ?? MAX_PEX_PEERS_PER_PEER;
    pex.on('peer', (text: string) => {
      const peer = parsePexPeer(text);
      if (!peer || this.peers.size >= limit || !isUsablePeer(peer, options.allowPrivateAddresses)) return;
      this.peers.set(addressKey(peer), peer);
    });
    // ut_pex drops a peer that sends PEX more than once a minute, and reports it as a warning.
    pex.on('warning', () => {});
    wire.on('extended', (name: unknown) => {
      if (name !== 'ut_pex') return;
      this.messages++;
      this.onChange();
    });
  }
}
