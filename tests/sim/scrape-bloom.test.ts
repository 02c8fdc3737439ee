import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeCompactPeer } from '../../protocol/compact.ts';
import { insertPeerIp, newScrapeBloom } from '../../sim/scrape-bloom.ts';
import { estimateBloomSize as estimate } from '../helpers/sim-bloom-estimate.ts';

// BEP 33's test vector (as checked by libtorrent's test_dht): 192.0.2.0–255 and 2001:db8::0–3e7.
const BEP33_VECTOR_HEX =
  'f6c3f5eaa07ffd91bde89f777f26fb2bff37bdb8fb2bbaa2fd3ddde7bacfff75ee7ccbaefe5eedb1fbfaff67f6abff5e43ddbca3fd9b9ffdf4ffd3e9dff12d1bdf59db53dbe9fa5b7ff3b8fdfcde1afb8bedd7be2f3ee71ebbbfe93bcdeefe148246c2bc5dbff7e7efdcf24fd8dc7adffd8fffdfddfff7a4bbeedf5cb95ce81fc7fcff1ff4ffffdfe5f7fdcbb7fd79b3fa1fc77bfe07fff905b7b7ffc7fefeffe0b8370bb0cd3f5b7f2bd93feb4386cfdd6f7fd5bfaf2e9ebffffeecd67adbf7c67f17efd5d75eba6ffeba7fff47a91eb1bfbb53e8abfb5762abe8ff237279bfefbfeef5ffc5febfdfe5adffadfee1fb737ffffbfd9f6aeffeee76b6fd8f72ef';

test('scrape bloom filters match the BEP 33 test vector', () => {
  const bloom = newScrapeBloom();
  // The port is not part of the key: any value shows that it is ignored.
  for (let index = 0; index < 256; index++) insertPeerIp(bloom, encodeCompactPeer({ host: `192.0.2.${index}`, port: 6881 + index }));
  for (let index = 0; index < 0x3e8; index++) insertPeerIp(bloom, encodeCompactPeer({ host: `2001:db8::${index.toString(16)}`, port: 1 }));
  assert.equal(bloom.toString('hex'), BEP33_VECTOR_HEX);
  assert.ok(Math.abs(estimate(bloom) - 1224.93) < 0.01, `estimate ${estimate(bloom)}`);
});
