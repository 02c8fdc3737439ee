/** Tracker URLs (BEP 48 scrape URLs, tags without passkeys), UDP packets (BEP 15) and a misbehaving HTTP tracker. */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { TrackerScraper } from '../../collector/trackers/tracker-scraper.ts';
import { parseTrackerUrl, scrapeUrlOf, trackerTag } from '../../collector/trackers/tracker-url.ts';
import { parseReply, scrapeRequest } from '../../collector/trackers/udp-tracker-messages.ts';

const H = '0123456789abcdef0123456789abcdef01234567';

describe('tracker URLs', () => {
  it('derives scrape URLs as BEP 48 says, and none where the path does not end in "announce"', () => {
    const scrape = (text: string) => scrapeUrlOf(new URL(text));
    assert.equal(scrape('http://example.com/announce'), 'http://example.com/scrape');
    assert.equal(scrape('http://example.com/x/announce'), 'http://example.com/x/scrape');
    assert.equal(scrape('http://example.com/announce.php'), 'http://example.com/scrape.php');
    assert.equal(scrape('http://example.com/announce?x2%0644'), 'http://example.com/scrape?x2%0644');
    assert.equal(scrape('http://example.com/a'), null);
    assert.equal(scrape('http://example.com/announce?x=2/4'), 'http://example.com/scrape?x=2/4');
    assert.equal(scrape('http://example.com/x%064announce'), null);
  });

  it('tags a tracker without user info or query (no passkey reaches the store)', () => {
    assert.equal(trackerTag('https://user:pw@tracker.example:443/announce?passkey=abc'), 'https://tracker.example/announce');
    assert.equal(trackerTag('udp://tracker.opentrackr.org:1337/announce'), 'udp://tracker.opentrackr.org:1337/announce');
  });

  it('knows UDP and HTTP(S) trackers, and nothing else', () => {
    assert.deepEqual(parseTrackerUrl('udp://[::1]:6969/announce'), { kind: 'udp', url: 'udp://[::1]:6969/announce', host: '::1', port: 6969 });
    assert.equal(parseTrackerUrl('udp://tracker.example/announce'), undefined, 'a UDP tracker needs a port');
    assert.equal(parseTrackerUrl('wss://tracker.webtorrent.dev'), undefined);
    assert.equal(parseTrackerUrl('not a url'), undefined);
  });
});

describe('BEP 15 packets', () => {
  it('puts raw 20-byte infohashes in a scrape request, not their hex text', () => {
    const packet = scrapeRequest(Buffer.alloc(8, 1), 7, [H, H]);
    assert.equal(packet.length, 16 + 40);
    assert.deepEqual(packet.subarray(16, 36), Buffer.from(H, 'hex'));
  });

  it('reads scrape replies and errors, and ignores short or unknown packets', () => {
    const reply = Buffer.alloc(20);
    reply.writeUInt32BE(2, 0);
    reply.writeUInt32BE(9, 4);
    reply.writeUInt32BE(5, 8);
    reply.writeUInt32BE(6, 12);
    reply.writeUInt32BE(7, 16);
    assert.deepEqual(parseReply(reply), { action: 2, transactionId: 9, entries: [{ seeders: 5, completed: 6, leechers: 7 }] });
    const error = Buffer.concat([Buffer.from([0, 0, 0, 3, 0, 0, 0, 1]), Buffer.from('bad\nthing')]);
    assert.deepEqual(parseReply(error), { action: 3, transactionId: 1, message: 'bad thing' });
    assert.equal(parseReply(Buffer.alloc(4)), undefined);
    assert.equal(parseReply(Buffer.from([0, 0, 0, 9, 0, 0, 0, 1])), undefined);
  });
});

describe('a misbehaving HTTP tracker', () => {
  it('is given up after the timeout or past the size bound, as a dead tracker', async () => {
    const server = createServer((request, response) => {
      if (request.url?.startsWith('/slow/')) return; // never answers
      response.writeHead(200);
      response.end(Buffer.alloc(2 * 1024 * 1024, 0x61));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const scraper = new TrackerScraper({ timeoutMs: 300, allowPrivateAddresses: true });
    const startedMs = Date.now();
    const slow = await scraper.scrape(`http://127.0.0.1:${port}/slow/announce`, [H]);
    assert.ok(!slow.ok && /no answer within 300 ms/.test(slow.error), JSON.stringify(slow));
    assert.ok(Date.now() - startedMs < 5000, "given up, not hung");
    const huge = await scraper.scrape(`http://127.0.0.1:${port}/announce`, [H]);
    assert.ok(!huge.ok && /over 1048576 bytes/.test(huge.error), JSON.stringify(huge));
    const none = await scraper.scrape(`http://127.0.0.1:${port}/tracker`, [H]);
    assert.ok(!none.ok && /BEP 48/.test(none.error));
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
});
