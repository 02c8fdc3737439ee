/**
 * How many cases each property-fuzzing target runs (issue 14): 10,000 in CI, more with
 * SWARMSCOPE_FUZZ_RUNS (`npm run fuzz:nightly` runs 200,000). A failure prints fast-check's seed and
 * path; SWARMSCOPE_FUZZ_SEED replays it.
 */
import fc from 'fast-check';

export const FUZZ_RUNS = Number(process.env.SWARMSCOPE_FUZZ_RUNS ?? 10_000);

export function fuzzParameters<T>(overrides: fc.Parameters<T> = {}): fc.Parameters<T> {
  const seed = process.env.SWARMSCOPE_FUZZ_SEED;
  return { numRuns: FUZZ_RUNS, includeErrorInReport: true, ...(seed ? { seed: Number(seed) } : {}), ...overrides };
}

/** Random bytes, and bytes that look like the format: a valid sample with bytes flipped, cut, repeated or spliced. */
export function mutatedBytes(valid: readonly Buffer[]): fc.Arbitrary<Buffer> {
  const random = fc.uint8Array({ maxLength: 512 }).map((bytes) => Buffer.from(bytes));
  const mutated = fc
    .tuple(fc.constantFrom(...valid), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('flip', 'cut', 'insert', 'repeat')), { minLength: 1, maxLength: 6 }))
    .map(([sample, edits]) => {
      let bytes = Buffer.from(sample);
      for (const [position, byte, edit] of edits) {
        const at = bytes.length === 0 ? 0 : position % bytes.length;
        if (edit === 'flip' && bytes.length > 0) bytes[at] = byte;
        else if (edit === 'cut') bytes = bytes.subarray(0, at);
        else if (edit === 'insert') bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from([byte]), bytes.subarray(at)]);
        else bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at, at + 16), bytes.subarray(at)]);
      }
      return bytes;
    });
  return fc.oneof(random, mutated);
}

/** Deep nesting, the classic stack-overflow input: `l` or `d1:a` repeated, optionally closed. */
export function deepBencode(): fc.Arbitrary<Buffer> {
  return fc
    .tuple(fc.integer({ min: 1, max: 200_000 }), fc.constantFrom('l', 'd1:a'), fc.boolean())
    .map(([depth, open, closed]) => Buffer.from(open.repeat(depth) + (closed ? `i0${'e'.repeat(depth + 1)}` : '')));
}
