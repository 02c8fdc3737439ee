/**
 * `swarmscope demo` end to end, as a person runs it: one process with the sim, the collector, the
 * API and the page. Within seconds the three swarms have samples that grow, their peers are
 * located in the countries the sim placed them in, the loopback mirror is checked and then taken
 * down (HTTP 451) with an event, the page draws it all without a console error, and Ctrl-C stops
 * everything and removes the temporary store.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DEMO_SWARMS, demoInfohash } from '../../cli/commands/demo-growth.ts';
import { ROOT, startApiProcess } from '../helpers/child-processes.ts';
import { chromiumSkip, launchChromium, openPage } from '../page/chromium.ts';
import { eventually, getJson } from './demo-api.ts';

const ARTIFACTS = join(ROOT, 'test-artifacts', 'demo');
const LLAMA = demoInfohash(DEMO_SWARMS[0]!);

interface TorrentList {
  torrents: { infohash: string; latest: { dhtPeers: number | null } | null }[];
}

describe('swarmscope demo', () => {
  it('runs a growing loopback swarm, a mirror that is taken down, and the page, until Ctrl-C', async (t) => {
    const { url, process: demo } = await startApiProcess(t, ['demo', '--interval', '2s', '--day-length', '20s', '--takedown-after', '5s', '--log-level', 'warn']);
    assert.match(demo.stdout(), /swarmscope demo: open the "API and page" URL below/);
    const dataDir = /data in (\S+) \(removed on exit\)/.exec(demo.stdout())?.[1];
    assert.ok(dataDir && existsSync(dataDir), 'a temporary data folder');

    await eventually('a sample of each demo swarm', 30_000, async () => {
      const { body } = await getJson<TorrentList>(url, '/api/v1/torrents');
      return body.torrents.length === 3 && body.torrents.every((torrent) => (torrent.latest?.dhtPeers ?? 0) > 0) ? true : undefined;
    });
    const moving = await eventually('the first swarm to grow over three sweeps', 30_000, async () => {
      const { body } = await getJson<{ points: [string, number][] }>(url, `/api/v1/torrents/${LLAMA}/series?metric=dht_peers&step=0&from=-10m`);
      const values = body.points.map(([, value]) => value);
      return values.length >= 3 && new Set(values).size > 1 ? values : undefined;
    });
    assert.ok(moving.at(-1)! > moving[0]!, `DHT peers grow: ${moving.join(', ')}`);

    const geo = await getJson<{ countries?: { country: string; peers: number }[] }>(url, `/api/v1/torrents/${LLAMA}/geo`);
    if (geo.status !== 404) {
      const located = new Set((geo.body.countries ?? []).filter((row) => row.peers > 0).map((row) => row.country));
      for (const country of ['US', 'DE', 'CN']) assert.ok(located.has(country), `peers located in ${country}: ${[...located].join(', ')}`);
    }
    const mirrors = await getJson<{ mirrors: { state: string; latest: { legalTakedown: boolean } | null }[] }>(url, '/api/v1/mirrors');
    if (mirrors.status !== 404) {
      await eventually('the demo mirror to be taken down', 30_000, async () => {
        const { body } = await getJson<typeof mirrors.body>(url, '/api/v1/mirrors');
        return body.mirrors.some((mirror) => mirror.state === 'taken_down' && mirror.latest?.legalTakedown) ? true : undefined;
      });
      await eventually('the takedown event', 15_000, async () => {
        const { body } = await getJson<{ events: { type: string }[] }>(url, '/api/v1/events');
        return body.events.some((event) => event.type === 'mirror.taken_down') ? true : undefined;
      });
    }

    if (!chromiumSkip()) {
      mkdirSync(ARTIFACTS, { recursive: true });
      const browser = await launchChromium();
      try {
        const { page, errors } = await openPage(browser.context);
        await page.goto(`${url}/#/torrent/${LLAMA}`);
        await page.waitForFunction(() => ((window as unknown as { swarmscopeCharts?: Map<string, { data: unknown[][] }> }).swarmscopeCharts?.get('peers')?.data[0]?.length ?? 0) >= 3);
        await page.screenshot({ path: join(ARTIFACTS, 'demo-torrent.png'), fullPage: true });
        assert.deepEqual(errors, []);
      } finally {
        await browser.close();
      }
    }

    assert.equal(await demo.stop('SIGINT'), 0, `exits 0 on Ctrl-C: ${demo.stderr()}`);
    assert.equal(existsSync(dataDir), false, 'the temporary store is removed');
  });
});
