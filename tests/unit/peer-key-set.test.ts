/** The typed-array key set behind the new-peer memory (collector/peer-key-set.ts) agrees with a plain Set. */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { PeerKeySet } from '../../collector/peer-key-set.ts';

test('membership and size match a JavaScript Set through growth, duplicates and the zero key', () => {
  const set = new PeerKeySet();
  const reference = new Set<string>();
  const keys = Array.from({ length: 20_000 }, () => randomBytes(8));
  keys.push(Buffer.alloc(8), Buffer.from([0, 0, 0, 0, 0, 0, 0, 1]));
  for (const key of [...keys, ...keys.slice(0, 5000)]) {
    // (0, 0) is stored as (0, 1): the two are one key, a 1-in-2^64 merge.
    const id = key.equals(Buffer.alloc(8)) ? '0000000000000001' : key.toString('hex');
    assert.equal(set.add(key.readUInt32BE(0), key.readUInt32BE(4)), !reference.has(id));
    reference.add(id);
  }
  assert.equal(set.size, reference.size);
});

test('keepNewest keeps exactly the newest keys in insertion order', () => {
  const set = new PeerKeySet();
  for (let index = 1; index <= 1000; index++) set.add(index, index * 7);
  set.keepNewest(300);
  assert.equal(set.size, 300);
  for (let index = 701; index <= 1000; index++) assert.equal(set.add(index, index * 7), false, `${index} kept`);
  for (let index = 1; index <= 700; index++) assert.equal(set.add(index, index * 7), true, `${index} forgotten`);
  assert.equal(set.size, 1000);
  set.keepNewest(5000);
  assert.equal(set.size, 1000, 'asking to keep more than there is changes nothing');
});
