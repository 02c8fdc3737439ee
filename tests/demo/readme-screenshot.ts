/**
 * Takes the README's screenshots of `swarmscope demo` (not a test: run it by hand after a visible
 * change to the page): `node --import tsx tests/demo/readme-screenshot.ts [seconds]`. It runs the
 * demo with its defaults for `seconds` (150: the first swarm past its take-off, the mirror taken
 * down), then saves the overview and the first swarm's view to docs/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEMO_SWARMS, demoInfohash } from '../../cli/commands/demo-growth.ts';
import { ROOT, spawnTsx } from '../helpers/child-processes.ts';
import { launchChromium, openPage } from '../page/chromium.ts';

const seconds = Number(process.argv[2] ?? 150);
const docs = join(ROOT, 'docs');
mkdirSync(docs, { recursive: true });

const demo = spawnTsx('cli/main.ts', ['demo', '--port', '0', '--interval', '5s', '--log-level', 'warn']);
try {
  let url: string | undefined;
  for (let waited = 0; !url && waited < 300; waited++) {
    url = /API and page at (http:\/\/\S+)/.exec(demo.stderr())?.[1];
    await sleep(100);
  }
  if (!url) throw new Error(`the demo did not start: ${demo.stderr()}`);
  await sleep(seconds * 1000);
  const browser = await launchChromium();
  try {
    const { page, errors } = await openPage(browser.context);
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${url}/`);
    await page.waitForSelector('svg.sparkline polyline', { state: 'attached' });
    await page.screenshot({ path: join(docs, 'demo-overview.png') });
    await page.goto(`${url}/#/torrent/${demoInfohash(DEMO_SWARMS[0]!)}`);
    await page.waitForSelector('[data-geo="country"]');
    await page.waitForTimeout(500);
    await page.screenshot({ path: join(docs, 'demo-torrent.png'), fullPage: true });
    if (errors.length > 0) throw new Error(`console errors: ${errors.join('; ')}`);
  } finally {
    await browser.close();
  }
  process.stdout.write(`saved docs/demo-overview.png and docs/demo-torrent.png after ${seconds} s of the demo\n`);
} finally {
  await demo.stop('SIGINT');
}
