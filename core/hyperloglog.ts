/**
 * A small HyperLogLog (Flajolet et al. 2007) for distinct-peer counts that can be merged: the
 * union of two sketches is the register-wise maximum, so "distinct peers this week" is the merge
 * of the week's sketches, never a sum of daily counts (DESIGN.md §4, §9). Used by the collector
 * (one sketch per torrent per sweep) and the stores (merging over a time range), hence in core/.
 *
 * Precision 14: 16,384 one-byte registers (16 KiB dense), standard error 1.04/√m ≈ 0.81%.
 * Hashes are 64 bits (the first 8 bytes of an HMAC, see collector/sketches/peer-hasher.ts): 14 bits
 * pick the register, the other 50 give the rank, so registers hold 0..51 and counts up to far
 * beyond any swarm stay unbiased. The estimate is Ertl's improved estimator ("New cardinality
 * estimation algorithms for HyperLogLog sketches", 2017, algorithm 6), which needs no empirical
 * bias table and no switch to linear counting: it is unbiased from 0 to billions.
 *
 * Serialized form (what the stores keep): byte 0 = format (1 dense, 2 sparse), byte 1 = precision,
 * then either the 16,384 registers, or (index u16 BE, value u8) for each non-zero register in
 * ascending index order, whichever is smaller: a swarm of a few hundred peers costs ~1 KB.
 */
import { SwarmscopeError } from './errors.ts';

export const HLL_PRECISION = 14;
export const HLL_REGISTERS = 1 << HLL_PRECISION;
/** Hash bits left for the rank after the register index. */
const RANK_BITS = 64 - HLL_PRECISION;
const MAX_REGISTER = RANK_BITS + 1;
const LOW_BITS_OF_HIGH_WORD = 32 - HLL_PRECISION;
const FORMAT_DENSE = 1;
const FORMAT_SPARSE = 2;
const HEADER_BYTES = 2;
const SPARSE_ENTRY_BYTES = 3;
/** 1 / (2 ln 2): the limit of the HLL bias-correction constant as m grows (Ertl, eq. 14). */
const ALPHA_INFINITY = 1 / (2 * Math.LN2);

export class HyperLogLog {
  readonly registers: Uint8Array;

  constructor(registers?: Uint8Array) {
    this.registers = registers ?? new Uint8Array(HLL_REGISTERS);
  }

  /** Adds one item by its 64-bit hash: at least 8 bytes, of which the first 8 are used. */
  addHash(hash: Uint8Array): void {
    const high = ((hash[0]! << 24) | (hash[1]! << 16) | (hash[2]! << 8) | hash[3]!) >>> 0;
    const low = ((hash[4]! << 24) | (hash[5]! << 16) | (hash[6]! << 8) | hash[7]!) >>> 0;
    const index = high >>> LOW_BITS_OF_HIGH_WORD;
    const rest = (high << HLL_PRECISION) >>> 0;
    // Rank = position of the first 1 bit among the 50 bits after the index (1-based), 51 if none.
    let rank: number;
    if (rest !== 0) rank = Math.clz32(rest) + 1;
    else if (low !== 0) rank = LOW_BITS_OF_HIGH_WORD + Math.clz32(low) + 1;
    else rank = MAX_REGISTER;
    if (rank > this.registers[index]!) this.registers[index] = rank;
  }

  /** In place: this becomes the union of both sets. Commutative, associative and idempotent. */
  merge(other: HyperLogLog): this {
    const mine = this.registers;
    const theirs = other.registers;
    for (let index = 0; index < HLL_REGISTERS; index++) if (theirs[index]! > mine[index]!) mine[index] = theirs[index]!;
    return this;
  }

  isEmpty(): boolean {
    return this.registers.every((value) => value === 0);
  }

  /** The estimated number of distinct items added (0 for an empty sketch). */
  estimate(): number {
    const counts = new Array<number>(MAX_REGISTER + 1).fill(0);
    for (const value of this.registers) counts[value]!++;
    const m = HLL_REGISTERS;
    let z = m * tau((m - counts[MAX_REGISTER]!) / m);
    for (let k = RANK_BITS; k >= 1; k--) z = 0.5 * (z + counts[k]!);
    z += m * sigma(counts[0]! / m);
    return z === Infinity ? 0 : (ALPHA_INFINITY * m * m) / z;
  }

  serialize(): Buffer {
    let nonZero = 0;
    for (const value of this.registers) if (value !== 0) nonZero++;
    if (nonZero * SPARSE_ENTRY_BYTES >= HLL_REGISTERS) {
      const dense = Buffer.alloc(HEADER_BYTES + HLL_REGISTERS);
      dense[0] = FORMAT_DENSE;
      dense[1] = HLL_PRECISION;
      dense.set(this.registers, HEADER_BYTES);
      return dense;
    }
    const sparse = Buffer.alloc(HEADER_BYTES + nonZero * SPARSE_ENTRY_BYTES);
    sparse[0] = FORMAT_SPARSE;
    sparse[1] = HLL_PRECISION;
    let offset = HEADER_BYTES;
    this.registers.forEach((value, index) => {
      if (value === 0) return;
      sparse.writeUInt16BE(index, offset);
      sparse[offset + 2] = value;
      offset += SPARSE_ENTRY_BYTES;
    });
    return sparse;
  }

  /** Reads a serialized sketch; throws `invalid_request` for anything that is not one. */
  static deserialize(bytes: Uint8Array): HyperLogLog {
    const registers = new Uint8Array(HLL_REGISTERS);
    // Into zeroed registers the register-wise maximum is a plain copy.
    mergeSerializedInto(registers, bytes);
    return new HyperLogLog(registers);
  }

  /**
   * The union of serialized sketches (an empty sketch for none). Each one is merged straight from
   * its bytes, validated exactly as `deserialize` does, with no register array of its own: a
   * sparse sketch costs its entries, not 16,384 registers. Throws what `deserialize` would for the
   * first sketch that is not one.
   */
  static mergeAll(serialized: Iterable<Uint8Array>): HyperLogLog {
    const union = new HyperLogLog();
    for (const bytes of serialized) mergeSerializedInto(union.registers, bytes);
    return union;
  }
}

function notASketch(why: string): never {
  throw new SwarmscopeError('invalid_request', `not a HyperLogLog sketch: ${why}`);
}

/**
 * Merges one serialized sketch into `registers` (register-wise maximum), checking it as it goes:
 * header, length, sparse indices ascending and in range, every register at most MAX_REGISTER. The
 * checks and their order are what decides which message a malformed sketch gets: structure first
 * (an out-of-order index anywhere wins over a register too large before it), the register range
 * last. On a throw `registers` may hold part of the sketch; mergeAll and deserialize drop it.
 */
function mergeSerializedInto(registers: Uint8Array, bytes: Uint8Array): void {
  const length = bytes.length;
  if (length < HEADER_BYTES) notASketch(`${length} bytes`);
  if (bytes[1] !== HLL_PRECISION) notASketch(`precision ${bytes[1]}, expected ${HLL_PRECISION}`);
  // The largest register seen; checked after the loop, so structure errors keep precedence.
  let highest = 0;
  if (bytes[0] === FORMAT_DENSE) {
    if (length !== HEADER_BYTES + HLL_REGISTERS) notASketch(`a dense sketch of ${length} bytes`);
    for (let index = 0; index < HLL_REGISTERS; index++) {
      const value = bytes[HEADER_BYTES + index]!;
      // Math.max, not `if`: V8 makes it branch-free, and zero/non-zero registers mispredict a branch.
      highest = Math.max(highest, value);
      registers[index] = Math.max(registers[index]!, value);
    }
  } else if (bytes[0] === FORMAT_SPARSE) {
    if ((length - HEADER_BYTES) % SPARSE_ENTRY_BYTES !== 0) notASketch(`a sparse sketch of ${length} bytes`);
    let previous = -1;
    for (let offset = HEADER_BYTES; offset < length; offset += SPARSE_ENTRY_BYTES) {
      const index = (bytes[offset]! << 8) | bytes[offset + 1]!;
      if (index <= previous || index >= HLL_REGISTERS) notASketch('sparse indices out of order or range');
      const value = bytes[offset + 2]!;
      highest = Math.max(highest, value);
      registers[index] = Math.max(registers[index]!, value);
      previous = index;
    }
  } else {
    notASketch(`unknown format ${bytes[0]}`);
  }
  if (highest > MAX_REGISTER) notASketch(`a register above ${MAX_REGISTER}`);
}

/** Ertl's σ(x) = x + Σ_{k≥1} x^(2^k) 2^(k-1), summed until it stops changing. */
function sigma(x: number): number {
  if (x === 1) return Infinity;
  let y = 1;
  let z = x;
  let previous: number;
  do {
    x *= x;
    previous = z;
    z += x * y;
    y += y;
  } while (z !== previous);
  return z;
}

/** Ertl's τ(x) = (1 − x − Σ_{k≥1} (1 − x^(2^−k))² 2^−k) / 3. */
function tau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let y = 1;
  let z = 1 - x;
  let previous: number;
  do {
    x = Math.sqrt(x);
    previous = z;
    y *= 0.5;
    z -= (1 - x) ** 2 * y;
  } while (z !== previous);
  return z / 3;
}
