import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseMagnet } from '../../collector/watchlist/parse-magnet.ts';
import { base32ToHex, parseInfohash } from '../../core/infohash.ts';

test('infohash: 40 hex (any case) and 32 base32 characters', () => {
  assert.equal(parseInfohash('B8287EBFA04F879B048D4D4404108CF3E8014352'), 'b8287ebfa04f879b048d4d4404108cf3e8014352');
  // The original 4chan LLaMA magnet used base32; its hex form is in the shipped watchlist.
  assert.equal(parseInfohash('ZXXDAUWYLRUXXBHUYEMS6Q5CE5WA3LVA'), 'cdee3052d85c697b84f4c1192f43a2276c0daea0');
  assert.equal(base32ToHex('zxxdauwylruxxbhuyems6q5ce5wa3lva'), 'cdee3052d85c697b84f4c1192f43a2276c0daea0');
});

test('infohash: wrong lengths and characters are refused with the length named', () => {
  for (const bad of ['b8287ebfa04f879b048d4d4404108cf3e801435', 'b8287ebfa04f879b048d4d4404108cf3e80143521', 'g8287ebfa04f879b048d4d4404108cf3e8014352', 'ZXXDAUWYLRUXXBHUYEMS6Q5CE5WA3LV1', '']) {
    assert.throws(() => parseInfohash(bad), (error: Error & { code?: string }) => error.code === 'invalid_infohash' && /characters/.test(error.message), bad);
  }
});

test('magnet: hex btih with dn, tr and ws', () => {
  const parsed = parseMagnet(
    'magnet:?xt=urn:btih:b8287ebfa04f879b048d4d4404108cf3e8014352&dn=LLaMA&tr=udp%3A%2F%2Ftracker.example%3A1337%2Fannounce&tr=udp%3A%2F%2Ftracker.example%3A1337%2Fannounce&ws=https%3A%2F%2Fmirror.example%2Fllama%2F',
  );
  assert.equal(parsed.infohash, 'b8287ebfa04f879b048d4d4404108cf3e8014352');
  assert.equal(parsed.name, 'LLaMA');
  assert.deepEqual(parsed.trackers, ['udp://tracker.example:1337/announce']);
  assert.deepEqual(parsed.webSeeds, ['https://mirror.example/llama/']);
});

test('magnet: base32 btih, as in the original 4chan link', () => {
  assert.equal(parseMagnet('magnet:?xt=urn:btih:ZXXDAUWYLRUXXBHUYEMS6Q5CE5WA3LVA&dn=LLaMA').infohash, 'cdee3052d85c697b84f4c1192f43a2276c0daea0');
});

test('magnet: malformed links get an invalid_magnet error naming the problem', () => {
  const cases: [string, RegExp][] = [
    ['https://example.com', /must start with "magnet:\?"/],
    ['magnet:?dn=nothing', /no "xt"/],
    ['magnet:?xt=urn:sha1:abc', /not a BitTorrent infohash/],
    ['magnet:?xt=urn:btmh:1220abcd', /v2 hash/],
    ['magnet:?xt=urn:btih:b8287ebfa04f879b048d4d4404108cf3e801435', /39 characters/],
    ['magnet:?xt=urn:btih:ZXXDAUWYLRUXXBHUYEMS6Q5CE5WA3LV', /31 characters/],
    ['magnet:?xt=urn:btih:z8287ebfa04f879b048d4d4404108cf3e8014352', /40 hex/],
  ];
  for (const [input, message] of cases) {
    assert.throws(() => parseMagnet(input), (error: Error & { code?: string }) => error.code === 'invalid_magnet' && message.test(error.message), input);
  }
});
