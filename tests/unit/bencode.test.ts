import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeBencode, encodeBencode, MAX_BENCODE_DEPTH } from '../../protocol/bencode.ts';

const decode = (text: string) => decodeBencode(Buffer.from(text, 'latin1')).value;

test('bencode round-trips integers, strings, lists and dictionaries with sorted keys', () => {
  const encoded = encodeBencode({ z: 1, a: [Buffer.from('xy'), -3, 'é'], m: { k: 0 } });
  assert.equal(encoded.toString('latin1'), 'd1:al2:xyi-3e2:\xc3\xa9e1:md1:ki0ee1:zi1ee');
  const decoded = decodeBencode(encoded).value as Record<string, unknown>;
  assert.equal(decoded.z, 1);
  assert.deepEqual((decoded.m as Record<string, unknown>).k, 0);
});

test('bencode rejects malformed input with a message naming the problem', () => {
  const cases: [string, RegExp][] = [
    ['', /empty input/],
    ['i01e', /bad integer/],
    ['i-0e', /bad integer/],
    ['ie', /bad integer/],
    ['i12', /unterminated integer/],
    ['5:abc', /runs past the end/],
    ['l', /unterminated list/],
    ['d1:a', /unexpected end|unterminated/],
    ['di1ei2ee', /key is not a string/],
    ['d1:ai1e1:ai2ee', /duplicated dictionary key/],
    ['i1ei2e', /trailing bytes/],
    ['x', /unexpected byte/],
    ['-1:a', /unexpected byte/],
    ['99999999999:a', /bad string length|runs past/],
  ];
  for (const [input, message] of cases) {
    assert.throws(() => decode(input), (error: Error & { code?: string }) => error.code === 'invalid_bencode' && message.test(error.message), `input ${JSON.stringify(input)}`);
  }
});

test('bencode caps nesting depth so hostile input cannot exhaust the stack', () => {
  const deep = 'l'.repeat(100_000) + 'e'.repeat(100_000);
  assert.throws(() => decode(deep), /nesting deeper than/);
  const ok = 'l'.repeat(MAX_BENCODE_DEPTH) + 'e'.repeat(MAX_BENCODE_DEPTH);
  assert.ok(Array.isArray(decode(ok)));
});

test('bencode reports the byte span of a top-level key, for infohashes', () => {
  const bytes = Buffer.from('d8:announce3:abc4:infod4:name1:xee', 'latin1');
  const { span } = decodeBencode(bytes, { spanOfKey: 'info' });
  assert.deepEqual(bytes.subarray(span!.start, span!.end).toString('latin1'), 'd4:name1:xe');
});
