/** The sim's opt-in country placement: every placed peer is in its country, and swarms without the option are unchanged. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countryOfAddress, countryPlacement } from '../../sim/country-blocks.ts';
import { resizedPeerList, seedTorrents } from '../../sim/seeded-torrents.ts';
import { resolveSimOptions } from '../../sim/sim-options.ts';

test('placed peers are in their country by the database; the rest of the swarm and other seeds are untouched', () => {
  const shares = { NL: 0.25, BR: 0.25, KE: 0.1 };
  const [placed] = seedTorrents(resolveSimOptions({ torrents: 1, seed: 9, minPeers: 500, maxPeers: 500, countries: shares }));
  const countryAt = countryPlacement(shares);
  const ips = new Set<string>();
  for (let index = 0; index < placed!.peers.count; index++) {
    const { host } = placed!.peers.addressAt(index);
    ips.add(host);
    const wanted = countryAt(index);
    if (wanted) assert.equal(countryOfAddress(host), wanted, `peer ${index}`);
  }
  assert.equal(ips.size, 500, 'distinct addresses');
  // Without the option the swarm is the one this seed always gave (the option draws from the list's stream only when set).
  const [plain] = seedTorrents(resolveSimOptions({ torrents: 1, seed: 9, minPeers: 500, maxPeers: 500 }));
  const [again] = seedTorrents(resolveSimOptions({ torrents: 1, seed: 9, minPeers: 500, maxPeers: 500, countries: undefined }));
  assert.deepEqual(again!.peers.compact, plain!.peers.compact);
  assert.equal(placed!.infohash, plain!.infohash);
});

test('a placed swarm regrown to another size keeps its first peers, and each country keeps its share', () => {
  // The demo grows its swarms every second (setPeerCount); a sweep that spans a resize must see one
  // population, not the old and the new (it read 529 peers of ~320 when placement depended on size).
  const shares = { US: 0.28, DE: 0.12, CN: 0.1 };
  const options = resolveSimOptions({ torrents: 1, seed: 'regrow', minPeers: 300, maxPeers: 300, countries: shares });
  const torrent = seedTorrents(options)[0]!;
  const key = (list: typeof torrent.peers, index: number): string => list.compact.subarray(index * 6, index * 6 + 6).toString('hex');
  const grown = resizedPeerList(options, torrent, 4, 1000);
  const cut = resizedPeerList(options, torrent, 4, 120);
  for (let index = 0; index < 300; index++) assert.equal(key(grown, index), key(torrent.peers, index), `peer ${index} after growing`);
  for (let index = 0; index < 120; index++) assert.equal(key(cut, index), key(torrent.peers, index), `peer ${index} after cutting`);
  const countryAt = countryPlacement(shares);
  for (const size of [120, 300, 1000]) {
    for (const [country, share] of Object.entries(shares)) {
      const placed = Array.from({ length: size }, (_, index) => countryAt(index)).filter((value) => value === country).length;
      assert.ok(Math.abs(placed - share * size) <= 3, `${country}: ${placed} of ${size} placed, share ${share}`);
    }
  }
});

test('refuses country shares that are not ISO codes or add up to more than 1', () => {
  assert.throws(() => resolveSimOptions({ countries: { Germany: 0.5 } }), /not an ISO 3166-1 alpha-2 code/);
  assert.throws(() => resolveSimOptions({ countries: { DE: 0.7, US: 0.6 } }), /add up to 1.3/);
});
