import assert from 'node:assert/strict';
import { test } from 'node:test';
import { estimateBloomSize, insertPeerIp, mergeScrapeBloom, newScrapeBloom, readEstimate } from '../../protocol/bep33-bloom.ts';
import { encodeCompactPeer } from '../../protocol/compact.ts';

// BEP 33's test vector (as checked by libtorrent's test_dht): 192.0.2.0–255 and 2001:db8::0–3e7.
const BEP33_VECTOR_HEX =
  'f6c3f5eaa07ffd91bde89f777f26fb2bff37bdb8fb2bbaa2fd3ddde7bacfff75ee7ccbaefe5eedb1fbfaff67f6abff5e43ddbca3fd9b9ffdf4ffd3e9dff12d1bdf59db53dbe9fa5b7ff3b8fdfcde1afb8bedd7be2f3ee71ebbbfe93bcdeefe148246c2bc5dbff7e7efdcf24fd8dc7adffd8fffdfddfff7a4bbeedf5cb95ce81fc7fcff1ff4ffffdfe5f7fdcbb7fd79b3fa1fc77bfe07fff905b7b7ffc7fefeffe0b8370bb0cd3f5b7f2bd93feb4386cfdd6f7fd5bfaf2e9ebffffeecd67adbf7c67f17efd5d75eba6ffeba7fff47a91eb1bfbb53e8abfb5762abe8ff237279bfefbfeef5ffc5febfdfe5adffadfee1fb737ffffbfd9f6aeffeee76b6fd8f72ef';

test('BEP 33 test vector: the filter of 192.0.2.0–255 and 2001:db8::–2001:db8::3e7, estimate 1224.9308', () => {
  const bloom = newScrapeBloom();
  // The port is not part of the key: any value shows that it is ignored.
  for (let index = 0; index < 256; index++) insertPeerIp(bloom, encodeCompactPeer({ host: `192.0.2.${index}`, port: 6881 + index }));
  for (let index = 0; index < 0x3e8; index++) insertPeerIp(bloom, encodeCompactPeer({ host: `2001:db8::${index.toString(16)}`, port: 1 }));
  assert.equal(bloom.toString('hex'), BEP33_VECTOR_HEX);
  // The BEP prints the estimate truncated to four decimals: 1224.93086…
  assert.equal(Math.trunc(estimateBloomSize(bloom) * 1e4) / 1e4, 1224.9308);
});

test('BEP 33 edges: an empty filter estimates 0; a saturated one is flagged, never given a number', () => {
  assert.deepEqual(readEstimate(newScrapeBloom()), { saturated: false, estimate: 0 });
  assert.deepEqual(readEstimate(Buffer.alloc(256, 0xff)), { saturated: true });
  const nearlyFull = Buffer.alloc(256, 0xff);
  nearlyFull[0] = 0b11110000;
  assert.deepEqual(readEstimate(nearlyFull), { saturated: true }, '4 zero bits left is past ~6,000');
  const bloom = newScrapeBloom();
  for (let index = 0; index < 5000; index++) insertPeerIp(bloom, encodeCompactPeer({ host: `10.${index >> 8}.${index & 255}.1`, port: 1 }));
  const estimate = readEstimate(bloom);
  assert.ok(!estimate.saturated && Math.abs(estimate.estimate - 5000) < 500, JSON.stringify(estimate));
});

test('BEP 33 merge: OR of filters estimates the union of their IPs', () => {
  const a = newScrapeBloom();
  const b = newScrapeBloom();
  for (let index = 0; index < 600; index++) insertPeerIp(a, encodeCompactPeer({ host: `198.51.${index >> 8}.${index & 255}`, port: 1 }));
  for (let index = 300; index < 900; index++) insertPeerIp(b, encodeCompactPeer({ host: `198.51.${index >> 8}.${index & 255}`, port: 1 }));
  mergeScrapeBloom(a, b);
  assert.ok(Math.abs(estimateBloomSize(a) - 900) < 60, String(estimateBloomSize(a)));
});
