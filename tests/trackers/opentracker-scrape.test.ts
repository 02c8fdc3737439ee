/**
 * Interop with a real tracker (Debian's opentracker) on loopback: a known swarm is announced over
 * HTTP and UDP, then the collector's UDP (BEP 15) and HTTP (BEP 48) scrapes must report its
 * seeders, leechers and completed downloads exactly, in batches, and the tracker stage must turn
 * them into per-tracker series and a max across trackers, with a dead tracker flagged.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { after, before, describe, it } from 'node:test';
import { TrackerStage } from '../../collector/stages/tracker-stage.ts';
import { newMeasurement } from '../../collector/stages/stage.ts';
import { TrackerScraper } from '../../collector/trackers/tracker-scraper.ts';
import type { WatchedTorrent } from '../../store/types.ts';
import { httpAnnounce, udpAnnounce, type Announce } from './announce-clients.ts';
import { opentrackerSkip, startOpenTracker, type OpenTracker } from './opentracker.ts';

const X = randomBytes(20).toString('hex');
const Y = randomBytes(20).toString('hex');
/** 98 more torrents nobody announced: 100 in all, so a UDP scrape needs two requests (74 + 26). */
const QUIET = Array.from({ length: 98 }, () => randomBytes(20).toString('hex'));
const ALL = [X, Y, ...QUIET];

/**
 * X over HTTP: 3 seeders, 2 leechers, and 1 peer that completed (a seeder now) → 4 / 2 / 1.
 * Y over UDP:  2 seeders, 3 leechers, and 1 peer that completed               → 3 / 3 / 1.
 */
const HTTP_ANNOUNCES: Announce[] = [
  { infohash: X, port: 7001, left: 0 },
  { infohash: X, port: 7002, left: 0 },
  { infohash: X, port: 7003, left: 0 },
  { infohash: X, port: 7004, left: 1000, event: 'started' },
  { infohash: X, port: 7005, left: 5000, event: 'started' },
  { infohash: X, port: 7006, left: 0, event: 'completed' },
];
const UDP_ANNOUNCES: Announce[] = [
  { infohash: Y, port: 8001, left: 0 },
  { infohash: Y, port: 8002, left: 0 },
  { infohash: Y, port: 8003, left: 10, event: 'started' },
  { infohash: Y, port: 8004, left: 20, event: 'started' },
  { infohash: Y, port: 8005, left: 30 },
  { infohash: Y, port: 8006, left: 0, event: 'completed' },
];
const EXPECTED = {
  [X]: { seeders: 4, leechers: 2, completed: 1 },
  [Y]: { seeders: 3, leechers: 3, completed: 1 },
};

function torrent(infohash: string, trackers: string[]): WatchedTorrent {
  return { infohash, label: null, source: null, name: null, size: null, trackers, webSeeds: [], files: [], addedAtMs: 0 };
}

/** A UDP port with nothing listening: a dead tracker. */
async function deadUdpPort(): Promise<number> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

describe('tracker scrapes against opentracker', { skip: opentrackerSkip() }, () => {
  let tracker: OpenTracker;
  before(async () => {
    tracker = await startOpenTracker(ALL);
    for (const announce of HTTP_ANNOUNCES) await httpAnnounce(tracker.announceUrl, announce);
    for (const announce of UDP_ANNOUNCES) await udpAnnounce('127.0.0.1', tracker.port, announce);
  });
  after(async () => tracker?.dispose());

  const scraper = (): TrackerScraper => new TrackerScraper({ timeoutMs: 1000, allowPrivateAddresses: true, loopbackOnly: true });

  it('UDP scrape: raw 20-byte hashes, 74 per request, one connection id reused, exact counts', async () => {
    const client = scraper();
    const result = await client.scrape(tracker.udpUrl, ALL);
    client.close();
    assert.ok(result.ok, result.ok ? '' : result.error);
    assert.deepEqual(result.counts.get(X), EXPECTED[X]);
    assert.deepEqual(result.counts.get(Y), EXPECTED[Y]);
    for (const quiet of QUIET) assert.deepEqual(result.counts.get(quiet), { seeders: 0, leechers: 0, completed: 0 });
    assert.equal(client.udp.counters.scrapeRequests, 2, '100 infohashes = 74 + 26');
    assert.equal(client.udp.counters.largestBatch, 74);
    assert.equal(client.udp.counters.connects, 1, 'the second request reuses the connection id (BEP 15: 60 s)');
    assert.equal(client.udp.counters.connectionReuses, 1);
  });

  it('HTTP scrape (BEP 48 URL from the announce URL): the same counts, several infohashes per request', async () => {
    const result = await scraper().scrape(tracker.announceUrl, [X, Y, QUIET[0]!]);
    assert.ok(result.ok, result.ok ? '' : result.error);
    assert.deepEqual(result.counts.get(X), EXPECTED[X]);
    assert.deepEqual(result.counts.get(Y), EXPECTED[Y]);
    // opentracker leaves torrents without peers out of a reply; asked alone it still has none: a measured 0.
    assert.deepEqual(result.counts.get(QUIET[0]!), { seeders: 0, leechers: 0, completed: 0 });
  });

  it('the tracker stage batches a sweep per tracker, takes the max across live trackers and flags a dead one', async () => {
    const dead = `udp://127.0.0.1:${await deadUdpPort()}/announce`;
    const client = new TrackerScraper({ timeoutMs: 300, allowPrivateAddresses: true, loopbackOnly: true });
    const stage = new TrackerStage(client);
    const torrents = ALL.map((infohash) => torrent(infohash, [tracker.udpUrl, `${tracker.announceUrl}?passkey=secret`, dead]));
    stage.beginSweep(torrents);
    const measurements = await Promise.all(torrents.map(async (watched) => {
      const measurement = newMeasurement(watched);
      await stage.measure(measurement);
      return measurement;
    }));
    client.close();
    assert.equal(client.udp.counters.scrapeRequests, 2, 'the live UDP tracker: 2 scrape requests carry all 100 torrents');
    assert.equal(client.udp.counters.timeouts, 2, 'the dead tracker: its connect timed out twice (one retry), then it was given up for the sweep');
    const x = measurements[0]!;
    assert.deepEqual(x.values, { tracker_seeders: 4, tracker_leechers: 2, tracker_completed: 1 });
    const byTag = Object.fromEntries(x.tagged.map((sample) => [sample.tag, sample.values]));
    const live = { tracker_seeders: 4, tracker_leechers: 2, tracker_completed: 1, tracker_up: 1 };
    assert.deepEqual(byTag, {
      [`udp://127.0.0.1:${tracker.port}/announce`]: live,
      // The passkey (a query string) never becomes part of the tag.
      [`http://127.0.0.1:${tracker.port}/announce`]: live,
      [dead]: { tracker_up: 0 },
    });
    assert.match(x.problems.join('\n'), /tracker: 1 of 3 did not answer/);
    assert.deepEqual(measurements[1]!.values, { tracker_seeders: 3, tracker_leechers: 3, tracker_completed: 1 });
  });

  it('refuses loopback trackers unless private addresses or the target are allowed (SSRF guard)', async () => {
    const strict = new TrackerScraper({ timeoutMs: 500, allowPrivateAddresses: false });
    for (const url of [tracker.udpUrl, tracker.announceUrl]) {
      const refused = await strict.scrape(url, [X]);
      assert.ok(!refused.ok && /loopback address/.test(refused.error), `${url}: ${JSON.stringify(refused)}`);
    }
    const listed = new TrackerScraper({ timeoutMs: 1000, allowPrivateAddresses: false, allowPrivateTargets: ['127.0.0.0/8'] });
    const allowed = await listed.scrape(tracker.udpUrl, [X]);
    listed.close();
    assert.ok(allowed.ok && allowed.counts.get(X)?.seeders === 4);
  });
});
