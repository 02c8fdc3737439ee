/**
 * `swarmscope demo` (DESIGN.md §3): a first look with no network. One process runs a loopback DHT
 * sim with three model-like swarms that grow (demo-growth.ts), their peers placed in real country
 * address blocks, a loopback HTTP mirror that is taken down after a while (demo-mirror.ts), and
 * `swarmscope start` itself with a short interval, loopback-only, on a SQLite file. `start` runs
 * through the same command definition as `swarmscope start`, so the demo shows exactly what a
 * deployment shows; it prints the URL of the page.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { parseDurationMs } from '../../core/duration.ts';
import { startSimSwarm } from '../../sim/index.ts';
import { failCommand } from '../output.ts';
import { DEMO_SWARMS, demoInfohash, driveGrowth } from './demo-growth.ts';
import { startDemoMirror } from './demo-mirror.ts';
import { prepareDemoStore, writeDemoWatchlist } from './demo-setup.ts';
import { registerStart } from './start.ts';

/** Shares of every swarm's peers placed in these countries' address blocks; the rest anywhere. */
const DEMO_COUNTRIES = { US: 0.28, DE: 0.12, CN: 0.1, FR: 0.07, GB: 0.07, JP: 0.06, BR: 0.05, RU: 0.05, IN: 0.05, KR: 0.04 };

interface DemoFlags {
  port: string;
  host: string;
  interval: string;
  dayLength: string;
  nodes: string;
  dataDir?: string;
  takedownAfter: string;
  logLevel?: string;
}

async function runDemo(flags: DemoFlags): Promise<void> {
  const dayMs = parseDurationMs(flags.dayLength, '--day-length');
  const takedownAfterMs = parseDurationMs(flags.takedownAfter, '--takedown-after');
  const keep = flags.dataDir !== undefined;
  const dir = keep ? resolve(flags.dataDir!) : mkdtempSync(join(tmpdir(), 'swarmscope-demo-'));
  const dbPath = join(dir, 'demo.db');

  const sim = await startSimSwarm({
    nodes: Number(flags.nodes),
    seed: 'swarmscope-demo',
    torrentSpecs: DEMO_SWARMS.map((swarm) => ({ infohash: demoInfohash(swarm), peers: 1, seeds: 0 })),
    countries: DEMO_COUNTRIES,
  });
  const stopGrowth = driveGrowth(sim, DEMO_SWARMS, { dayMs, tickMs: 1000 });
  const mirror = await startDemoMirror({ takedownAfterMs });
  await prepareDemoStore(dbPath, { swarms: DEMO_SWARMS, mirrorUrl: mirror.url });

  // The mirror and the alert worker need loopback targets and short periods; flags cannot set those.
  process.env.SWARMSCOPE_ALLOW_PRIVATE_TARGETS = '127.0.0.0/8,::1/128';
  process.env.SWARMSCOPE_MIRROR_CHECK_INTERVAL_MS = String(Math.max(1000, parseDurationMs(flags.interval, '--interval')));
  process.env.SWARMSCOPE_ALERT_POLL_INTERVAL_MS = '1000';

  const url = flags.port === '0' ? undefined : `http://${flags.host.includes(':') ? `[${flags.host}]` : flags.host}:${flags.port}/`;
  process.stdout.write(
    `swarmscope demo: ${DEMO_SWARMS.length} simulated swarms on a ${sim.nodeCount}-node loopback DHT, a simulated day every ${flags.dayLength}, ` +
      `sweeps every ${flags.interval}; data in ${dir}${keep ? '' : ' (removed on exit)'}.\n` +
      `swarmscope demo: open ${url ?? 'the "API and page" URL below'} in a browser; graphs move within a minute. Ctrl-C stops it.\n`,
  );

  const start = new Command().exitOverride();
  registerStart(start);
  const args = [
    'start',
    ...['--store', `sqlite:${dbPath}`, '--data-dir', dir, '--watch', writeDemoWatchlist(dir, DEMO_SWARMS)],
    ...['--bootstrap', sim.bootstrap.join(','), '--allow-private-addresses', '--dht-loopback-only', '--dht-bind-host', '127.0.0.1', '--dht-bind-host6', ''],
    // Politeness limits protect real DHT nodes; the sim's nodes are ours, and a sweep must fit in the interval.
    ...['--dht-node-query-gap', '5', '--dht-max-queries-per-ip', '100000'],
    ...['--interval', flags.interval, '--port', flags.port, '--host', flags.host, ...(flags.logLevel ? ['--log-level', flags.logLevel] : [])],
  ];
  try {
    // Returns after SIGINT or SIGTERM, once the API, collector and store are closed.
    await start.parseAsync(args, { from: 'user' });
  } finally {
    stopGrowth();
    await Promise.all([sim.close(), mirror.close()]);
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('a simulated swarm on loopback + start, for a first look with no network')
    .option('--port <port>', 'port of the API and page', '8080')
    .option('--host <host>', 'address of the API and page', '127.0.0.1')
    .option('--interval <duration>', 'time between sweeps', '10s')
    .option('--day-length <duration>', 'real time per simulated day of growth', '2m')
    .option('--takedown-after <duration>', 'when the demo mirror starts answering 451', '90s')
    .option('--nodes <n>', 'DHT nodes in the sim', '200')
    .option('--data-dir <dir>', 'keep the demo store here (default: a temporary folder removed on exit)')
    .option('--log-level <level>', 'log level (default info)')
    .action(async (flags: DemoFlags) => {
      try {
        await runDemo(flags);
      } catch (error) {
        failCommand(error);
      }
    });
}
