/**
 * announce_peer tokens (BEP 5): "the token is associated with the IP address of the querying node",
 * built by "SHA1 hash of the IP address concatenated onto a secret that changes every five minutes
 * and tokens up to ten minutes old are accepted". One secret pair serves every simulated node and
 * rotates on one shared timer (no per-node timers); the node id is mixed in so a token issued by
 * one node is, as on the real DHT, worthless at another.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { SeededRandom } from './prng.ts';

/** BEP 5: the secret changes every five minutes. */
export const TOKEN_ROTATION_INTERVAL_MS = 5 * 60 * 1000;
/** libtorrent sends 4-byte tokens and jech/dht 8-byte ones; opaque to the client either way. */
export const TOKEN_BYTES = 8;
const SECRET_BYTES = 16;

export class TokenSecrets {
  private current: Buffer;
  private previous: Buffer;

  constructor(private readonly random: SeededRandom) {
    this.current = random.bytes(SECRET_BYTES);
    this.previous = this.current;
  }

  /** Called every TOKEN_ROTATION_INTERVAL_MS: tokens of the last two periods stay valid. */
  rotate(): void {
    this.previous = this.current;
    this.current = this.random.bytes(SECRET_BYTES);
  }

  tokenFor(nodeId: Buffer, ip: string): Buffer {
    return tokenWith(this.current, nodeId, ip);
  }

  isValid(token: Buffer, nodeId: Buffer, ip: string): boolean {
    if (token.length !== TOKEN_BYTES) return false;
    return timingSafeEqual(token, tokenWith(this.current, nodeId, ip)) || timingSafeEqual(token, tokenWith(this.previous, nodeId, ip));
  }
}

function tokenWith(secret: Buffer, nodeId: Buffer, ip: string): Buffer {
  return createHash('sha1').update(ip, 'latin1').update(secret).update(nodeId).digest().subarray(0, TOKEN_BYTES);
}
