/**
 * A small seeded PRNG so that `--seed` reproduces the same swarm: node ids, infohashes, peer
 * addresses, routing tables, `values` subsets and loss decisions. sfc32 (Chris Doty-Humphrey's
 * "small fast chaotic" generator, PractRand-clean, 128-bit state) seeded through cyrb128, a
 * string hash that spreads short seeds such as "1" and "2" over the whole state.
 * Not cryptographic: nothing in the simulator needs secrecy, only repeatability.
 */

/** Warm-up rounds recommended for sfc32 so that similar seeds diverge before first use. */
const SFC32_WARMUP_ROUNDS = 15;
const UINT32_RANGE = 0x1_0000_0000;

/** cyrb128: four 32-bit words from a string (public-domain hash by bryc). */
function cyrb128(text: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    h1 = h2 ^ Math.imul(h1 ^ code, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ code, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ code, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ code, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

export class SeededRandom {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** `seed` is any number or string; `stream` names an independent sequence from the same seed. */
  constructor(seed: number | string, stream = '') {
    [this.a, this.b, this.c, this.d] = cyrb128(`${String(seed)}\u0000${stream}`);
    for (let round = 0; round < SFC32_WARMUP_ROUNDS; round++) this.nextUint32();
  }

  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  nextFloat(): number {
    return this.nextUint32() / UINT32_RANGE;
  }

  /** Uniform integer in [min, max], both inclusive; exact for ranges up to 2^32. */
  nextInt(min: number, max: number): number {
    if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || max < min) {
      throw new RangeError(`bad integer range [${min}, ${max}]`);
    }
    const span = max - min + 1;
    if (span > UINT32_RANGE) throw new RangeError(`range [${min}, ${max}] is wider than 2^32`);
    // Rejection sampling removes the modulo bias of `uint32 % span`.
    const limit = UINT32_RANGE - (UINT32_RANGE % span);
    let value = this.nextUint32();
    while (value >= limit) value = this.nextUint32();
    return min + (value % span);
  }

  /** True with probability `probability`. */
  chance(probability: number): boolean {
    return probability > 0 && this.nextFloat() < probability;
  }

  bytes(length: number): Buffer {
    const out = Buffer.allocUnsafe(length);
    for (let offset = 0; offset < length; offset += 4) {
      const word = this.nextUint32();
      for (let shift = 0; shift < 4 && offset + shift < length; shift++) out[offset + shift] = (word >>> (shift * 8)) & 0xff;
    }
    return out;
  }
}
