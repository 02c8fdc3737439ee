/**
 * Why a peer could not be probed. A probe that fails is counted (`probe_unreachable`, by reason),
 * never dropped silently. Messages name the reason only: a peer's address is personal data and never
 * goes into an error, a log line or the store (DESIGN.md §9), so Node's own socket errors, which
 * carry the address, are mapped to a reason and discarded.
 */
export const UNREACHABLE_REASONS = [
  'refused-by-policy',
  'connect-refused',
  'connect-timeout',
  'connect-error',
  'handshake-timeout',
  'not-bittorrent',
  'wrong-infohash',
  'closed-early',
  'too-much-data',
  'protocol-error',
] as const;
export type UnreachableReason = (typeof UNREACHABLE_REASONS)[number];

const DESCRIPTIONS: Record<UnreachableReason, string> = {
  'refused-by-policy': 'address not allowed as a probe target',
  'connect-refused': 'connection refused',
  'connect-timeout': 'no TCP connection within the connect timeout',
  'connect-error': 'TCP connection failed',
  'handshake-timeout': 'no BitTorrent handshake within the handshake timeout',
  'not-bittorrent': 'the peer does not speak the BitTorrent protocol',
  'wrong-infohash': 'the peer answered for another infohash',
  'closed-early': 'the peer closed the connection before its pieces were known',
  'too-much-data': 'the peer sent more bytes than a probe accepts',
  'protocol-error': 'the peer sent a message the extension could not handle',
};

export class PeerWireFailure extends Error {
  constructor(readonly reason: UnreachableReason) {
    super(DESCRIPTIONS[reason]);
    this.name = 'PeerWireFailure';
  }
}

/** A socket error code as a reason; the error itself (with the address in its message) is dropped. */
export function reasonOfSocketError(error: unknown): UnreachableReason {
  if (error instanceof PeerWireFailure) return error.reason;
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ECONNREFUSED') return 'connect-refused';
  if (code === 'ETIMEDOUT') return 'connect-timeout';
  return 'connect-error';
}
