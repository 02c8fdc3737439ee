/**
 * Infohashes: 20-byte SHA-1 of the info dictionary (BEP 3), written as 40 hex characters or, in
 * magnet links, as 32 base32 characters (RFC 4648 alphabet, BEP 9).
 */
import { SwarmscopeError } from './errors.ts';

export const INFOHASH_BYTES = 20;
const HEX_INFOHASH = /^[0-9a-fA-F]{40}$/;
const BASE32_INFOHASH = /^[A-Za-z2-7]{32}$/;
const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function isHexInfohash(value: string): boolean {
  return HEX_INFOHASH.test(value);
}

/** Accepts 40 hex or 32 base32 characters; returns 40 lowercase hex. */
export function parseInfohash(value: string): string {
  const trimmed = value.trim();
  if (HEX_INFOHASH.test(trimmed)) return trimmed.toLowerCase();
  if (BASE32_INFOHASH.test(trimmed)) return base32ToHex(trimmed);
  const shown = trimmed.length > 60 ? `${trimmed.slice(0, 60)}…` : trimmed;
  throw new SwarmscopeError(
    'invalid_infohash',
    `"${shown}" is not an infohash: expected 40 hex characters or 32 base32 characters, got ${trimmed.length} characters`,
  );
}

export function base32ToHex(value: string): string {
  let bits = 0;
  let accumulator = 0;
  const bytes: number[] = [];
  for (const char of value.toUpperCase()) {
    const index = BASE32_ALPHABET.indexOf(char);
    if (index < 0) throw new SwarmscopeError('invalid_infohash', `"${char}" is not a base32 character`);
    accumulator = (accumulator << 5) | index;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((accumulator >> bits) & 0xff);
    }
  }
  return Buffer.from(bytes).toString('hex');
}

export function infohashToBuffer(hex: string): Buffer {
  return Buffer.from(parseInfohash(hex), 'hex');
}
