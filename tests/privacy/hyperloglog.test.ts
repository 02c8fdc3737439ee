/**
 * The HyperLogLog of core/hyperloglog.ts over the collector's keyed peer hashes: accuracy against
 * exact counts from 10² to 10⁶ distinct addresses, and the merge laws distinct counts over ranges
 * rely on (commutative, associative, idempotent; a union, never a sum).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PeerHasher } from '../../collector/sketches/peer-hasher.ts';
import { HLL_REGISTERS, HyperLogLog } from '../../core/hyperloglog.ts';

/** The i-th distinct IPv4 address (i < 2^32): 0.0.0.1, 0.0.0.2, … as text, what the collector hashes. */
function ip(i: number): string {
  return `${(i >>> 24) & 255}.${(i >>> 16) & 255}.${(i >>> 8) & 255}.${i & 255}`;
}

/** The i-th address as its 4 bytes: the bulk loops skip text parsing (the hash is the same, see the last test). */
function ipBytes(i: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(i >>> 0);
  return bytes;
}

function sketchOf(hasher: PeerHasher, from: number, to: number): HyperLogLog {
  const sketch = new HyperLogLog();
  for (let i = from; i < to; i++) sketch.addHash(hasher.hashIdentity(ipBytes(i)));
  return sketch;
}

const relativeError = (estimate: number, exact: number) => (estimate - exact) / exact;

describe('HyperLogLog', () => {
  it('estimates 10², 10³, 10⁴, 10⁵ and 10⁶ distinct addresses within 2% (0.8% standard error)', (t) => {
    const hasher = new PeerHasher(Buffer.alloc(32, 0x5a));
    const sketch = new HyperLogLog();
    const errors: string[] = [];
    let added = 0;
    for (const exact of [100, 1_000, 10_000, 100_000, 1_000_000]) {
      for (; added < exact; added++) sketch.addHash(hasher.hashIdentity(ipBytes(added)));
      // Adding the same addresses again changes nothing: a set, not a count of sightings.
      if (exact <= 10_000) for (let i = 0; i < exact; i++) sketch.addHash(hasher.hash(ip(i)));
      const error = relativeError(sketch.estimate(), exact);
      errors.push(`${exact}: ${(error * 100).toFixed(2)}%`);
      assert.ok(Math.abs(error) < 0.02, `${exact} distinct: estimate ${sketch.estimate().toFixed(0)} (${(error * 100).toFixed(2)}%)`);
    }
    t.diagnostic(`relative error, one key: ${errors.join(', ')}`);
  });

  it('stays within 2% at 10⁵ under several keys (the error is the sketch, not one lucky key)', (t) => {
    // Fixed keys keep the test deterministic; any key gives an error of this size (σ ≈ 0.81%).
    const errors = [0x11, 0x22, 0x33].map((fill) => relativeError(sketchOf(new PeerHasher(Buffer.alloc(32, fill)), 0, 100_000).estimate(), 100_000));
    const rms = Math.sqrt(errors.reduce((sum, error) => sum + error * error, 0) / errors.length);
    t.diagnostic(`10⁵ under 3 other keys: ${errors.map((error) => `${(error * 100).toFixed(2)}%`).join(', ')}; RMS ${(rms * 100).toFixed(2)}%`);
    for (const error of errors) assert.ok(Math.abs(error) < 0.02, `${(error * 100).toFixed(2)}%`);
  });

  it('merges as a set union: commutative, associative, idempotent, and the union of overlapping sets is not their sum', () => {
    const hasher = new PeerHasher(Buffer.alloc(32, 1));
    const a = sketchOf(hasher, 0, 30_000);
    const b = sketchOf(hasher, 20_000, 50_000);
    const c = sketchOf(hasher, 45_000, 60_000);
    const copy = (sketch: HyperLogLog) => new HyperLogLog(Uint8Array.from(sketch.registers));
    const ab = copy(a).merge(b);
    assert.deepEqual(ab.registers, copy(b).merge(a).registers, 'commutative');
    assert.deepEqual(copy(ab).merge(c).registers, copy(a).merge(copy(b).merge(c)).registers, 'associative');
    assert.deepEqual(copy(ab).merge(ab).registers, ab.registers, 'idempotent');
    assert.deepEqual(copy(ab).merge(a).registers, ab.registers, 'merging a part again changes nothing');
    // The union of the same addresses sketched directly: exactly the same registers.
    assert.deepEqual(copy(ab).merge(c).registers, sketchOf(hasher, 0, 60_000).registers);
    const union = copy(ab).merge(c).estimate();
    assert.ok(Math.abs(relativeError(union, 60_000)) < 0.02, `union ${union}`);
    assert.ok(a.estimate() + b.estimate() + c.estimate() > 74_000, 'summing the parts counts the overlap twice');
  });

  it('serializes small sketches sparse and large ones dense, and reads both back exactly', () => {
    const hasher = new PeerHasher(Buffer.alloc(32, 2));
    const small = sketchOf(hasher, 0, 300);
    const large = sketchOf(hasher, 0, 20_000);
    assert.ok(small.serialize().length < 1000, `${small.serialize().length} bytes for 300 peers`);
    assert.equal(large.serialize().length, 2 + HLL_REGISTERS);
    for (const sketch of [small, large, new HyperLogLog()]) assert.deepEqual(HyperLogLog.deserialize(sketch.serialize()).registers, sketch.registers);
    assert.equal(new HyperLogLog().estimate(), 0);
    assert.throws(() => HyperLogLog.deserialize(Buffer.from([2, 14, 0, 5, 1, 0, 4, 1])), /out of order/);
    assert.throws(() => HyperLogLog.deserialize(Buffer.from([1, 12])), /precision 12/);
  });

  it('hashes an address the same in its IPv4 and IPv4-mapped IPv6 forms, and differently under another key', () => {
    const hasher = new PeerHasher(Buffer.alloc(32, 3));
    assert.deepEqual(hasher.hash('::ffff:198.51.100.7'), hasher.hash('198.51.100.7'));
    assert.deepEqual(hasher.hash(ip(123_456)), hasher.hashIdentity(ipBytes(123_456)));
    assert.notDeepEqual(new PeerHasher(Buffer.alloc(32, 4)).hash('198.51.100.7'), hasher.hash('198.51.100.7'));
  });
});
