/**
 * What a peer said about the pieces it has, and what that makes it. BEP 3: a `bitfield` right
 * after the handshake (optional for a peer with nothing), then `have` messages. BEP 6 (fast
 * extension): `have_all` / `have_none` instead of the bitfield. A seeder has every piece; anyone
 * else is a leecher, with a completion fraction when the piece count is known from the metadata.
 */
import type Wire from 'bittorrent-protocol';

export type PieceEvidence =
  | { kind: 'have-all' }
  | { kind: 'have-none' }
  /** Said nothing while connected: BEP 3 lets a peer with no pieces skip the bitfield. */
  | { kind: 'silent' }
  /** A bitfield and/or have messages, merged. */
  | { kind: 'bits'; bits: Buffer };

export interface PeerRole {
  role: 'seeder' | 'leecher';
  /** Pieces held / pieces in the torrent; null when the piece count is unknown. */
  completion: number | null;
}

/** 400,000 pieces (the wire's own BitField cap) fit in 50,000 bytes; a longer bitfield is cut. */
const MAX_BITFIELD_BYTES = 50_000;

/** Follows the piece messages of one wire from its creation (they can arrive with the handshake). */
export class PieceTracker {
  private haveAll = false;
  private haveNone = false;
  private sawBits = false;
  /** Called on every piece message, so a waiting probe can re-check whether it is done. */
  onChange: () => void = () => {};

  constructor(private readonly wire: Wire) {
    wire.on('bitfield', () => this.mark(() => (this.sawBits = true)));
    wire.on('have', () => this.mark(() => (this.sawBits = true)));
    wire.on('have-all', () => this.mark(() => (this.haveAll = true)));
    wire.on('have-none', () => this.mark(() => (this.haveNone = true)));
  }

  private mark(update: () => void): void {
    update();
    this.onChange();
  }

  get known(): boolean {
    return this.haveAll || this.haveNone || this.sawBits;
  }

  evidence(): PieceEvidence {
    if (this.haveAll) return { kind: 'have-all' };
    if (this.sawBits) return { kind: 'bits', bits: Buffer.from(this.wire.peerPieces.buffer.subarray(0, MAX_BITFIELD_BYTES)) };
    return this.haveNone ? { kind: 'have-none' } : { kind: 'silent' };
  }
}

function countBits(bits: Buffer, limit: number): number {
  let count = 0;
  for (let index = 0; index < limit && index >> 3 < bits.length; index++) {
    if (bits[index >> 3]! & (0x80 >> (index & 7))) count++;
  }
  return count;
}

/**
 * Without the piece count a bitfield can still look complete: every byte 0xff except the last,
 * whose set bits are a prefix (BEP 3 requires the spare bits at the end to be zero).
 */
function looksComplete(bits: Buffer): boolean {
  if (bits.length === 0) return false;
  for (let index = 0; index < bits.length - 1; index++) if (bits[index] !== 0xff) return false;
  const last = bits[bits.length - 1]!;
  // Ones then zeros: the zeros, inverted, are a run of low bits (0b0000_0111), so zeros & (zeros + 1) is 0.
  const zeros = ~last & 0xff;
  return last !== 0 && (zeros & (zeros + 1)) === 0;
}

export function classifyPieces(evidence: PieceEvidence, pieceCount: number | null): PeerRole {
  const known = pieceCount !== null && pieceCount > 0 ? pieceCount : null;
  switch (evidence.kind) {
    case 'have-all':
      return { role: 'seeder', completion: 1 };
    case 'have-none':
    case 'silent':
      return { role: 'leecher', completion: 0 };
    case 'bits': {
      if (known === null) return { role: looksComplete(evidence.bits) ? 'seeder' : 'leecher', completion: null };
      const held = countBits(evidence.bits, known);
      return { role: held === known ? 'seeder' : 'leecher', completion: held / known };
    }
  }
}
