/**
 * The UDP scrape client against a scripted BEP 15 tracker on ::1 (Debian's opentracker is built
 * IPv4-only): IPv6, one retry after a lost reply, raw infohashes on the wire, a silent tracker given up.
 */
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { test } from 'node:test';
import { newMeasurement } from '../../collector/stages/stage.ts';
import { TrackerStage } from '../../collector/stages/tracker-stage.ts';
import { TrackerScraper } from '../../collector/trackers/tracker-scraper.ts';
import { UdpTrackerClient } from '../../collector/trackers/udp-tracker-client.ts';
import { bareWatchedTorrent } from '../../collector/watchlist/bare-watched-torrent.ts';

const H1 = '11'.repeat(20);
const H2 = '22'.repeat(20);

/** A scripted tracker on ::1: answers connects, and scrapes while `answerScrape(n)` says so (n counts scrapes from 1). */
async function scriptedTracker(t: { after(fn: () => void): void }, answerScrape: (n: number) => boolean) {
  const tracker = dgram.createSocket('udp6');
  await new Promise<void>((resolve) => tracker.bind(0, '::1', resolve));
  t.after(() => tracker.close());
  const seen: Buffer[] = [];
  tracker.on('message', (packet, from) => {
    if (packet.length === 16 && packet.readUInt32BE(8) === 0) {
      const reply = Buffer.alloc(16);
      packet.copy(reply, 4, 12, 16);
      Buffer.from('0102030405060708', 'hex').copy(reply, 8);
      tracker.send(reply, from.port, from.address);
      return;
    }
    seen.push(packet.subarray(16));
    if (!answerScrape(seen.length)) return;
    const entries = (packet.length - 16) / 20;
    const answer = Buffer.alloc(8 + 12 * entries);
    answer.writeUInt32BE(2, 0);
    packet.copy(answer, 4, 12, 16);
    for (let entry = 0; entry < entries; entry++) answer.writeUInt32BE(10 + entry, 8 + 12 * entry); // seeders
    tracker.send(answer, from.port, from.address);
  });
  return { port: (tracker.address() as { port: number }).port, seen };
}

test('a tracker that stops answering mid-sweep: the torrents it answered for keep their counts, the rest are flagged', async (t) => {
  const tracker = await scriptedTracker(t, (n) => n === 1);
  const url = `udp://[::1]:${tracker.port}/announce`;
  const scraper = new TrackerScraper({ timeoutMs: 200, allowPrivateAddresses: true, loopbackOnly: true });
  t.after(() => scraper.close());
  const stage = new TrackerStage(scraper);
  const torrents = Array.from({ length: 100 }, (_, index) => bareWatchedTorrent(index.toString(16).padStart(40, '0')));
  for (const torrent of torrents) torrent.trackers = [url];
  stage.beginSweep(torrents);
  const first = newMeasurement(torrents[0]!);
  const last = newMeasurement(torrents[99]!);
  await stage.measure(first);
  await stage.measure(last);
  assert.deepEqual(first.tagged[0]!.values, { tracker_seeders: 10, tracker_leechers: 0, tracker_completed: 0, tracker_up: 1 });
  assert.deepEqual(last.tagged[0]!.values, { tracker_up: 0 });
  assert.equal(last.values.tracker_seeders, undefined, 'not measured, never 0');
  assert.match(last.problems.join(''), /26 of 100 torrents not scraped/);
});

test('scrapes over IPv6, retries once after a lost reply, and gives a silent tracker up after one retry', async (t) => {
  // The first scrape's reply is "lost".
  const tracker = await scriptedTracker(t, (n) => n > 1);
  const seen = tracker.seen;
  const client = new UdpTrackerClient(300);
  t.after(() => client.close());
  const counts = await client.scrape({ address: '::1', family: 6, port: tracker.port }, [H1, H2]);
  assert.deepEqual(counts.get(H1), { seeders: 10, completed: 0, leechers: 0 });
  assert.deepEqual(counts.get(H2), { seeders: 11, completed: 0, leechers: 0 });
  assert.equal(client.counters.retries, 1);
  assert.equal(client.counters.timeouts, 1);
  assert.deepEqual(seen[1], Buffer.from(H1 + H2, 'hex'), 'two raw 20-byte hashes, not 80 hex characters');

  // A tracker that never answers is given up after two attempts of 300 ms each.
  const silent = dgram.createSocket('udp6');
  await new Promise<void>((resolve) => silent.bind(0, '::1', resolve));
  t.after(() => silent.close());
  const startedMs = Date.now();
  await assert.rejects(client.scrape({ address: '::1', family: 6, port: silent.address().port }, [H1]), /no answer within 300 ms/);
  assert.ok(Date.now() - startedMs < 5000, "given up, not hung");
});
