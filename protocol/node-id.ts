/** Kademlia XOR distance over 160-bit ids (BEP 5). */
import { randomBytes } from 'node:crypto';
import { NODE_ID_BYTES } from './compact.ts';

export function randomNodeId(): Buffer {
  return randomBytes(NODE_ID_BYTES);
}

/** Negative when `a` is closer to `target` than `b`. */
export function compareDistance(target: Buffer, a: Buffer, b: Buffer): number {
  for (let index = 0; index < NODE_ID_BYTES; index++) {
    const left = (a[index] ?? 0) ^ (target[index] ?? 0);
    const right = (b[index] ?? 0) ^ (target[index] ?? 0);
    if (left !== right) return left - right;
  }
  return 0;
}

/** The number of leading bits `a` and `b` share: 160 for equal ids. */
export function commonPrefixBits(a: Buffer, b: Buffer): number {
  for (let index = 0; index < NODE_ID_BYTES; index++) {
    const xor = (a[index] ?? 0) ^ (b[index] ?? 0);
    if (xor !== 0) return index * 8 + Math.clz32(xor) - 24;
  }
  return NODE_ID_BYTES * 8;
}
