/**
 * `swarmscope start` (collector + API + page in one process, what `npm start` runs) and
 * `swarmscope serve` (API + page only, stateless on top of the store).
 */
import type { Command } from 'commander';
import { buildApp } from '../../api/app.ts';
import { startServer } from '../../api/server.ts';
import { CollectorService } from '../../collector/collector-service.ts';
import { parseTorrentInput } from '../../collector/watchlist/parse-watch-input.ts';
import { addGlobalOptions, configFromFlags } from '../global-options.ts';
import { failCommand } from '../output.ts';
import { importWatchlist, openRuntime, type Runtime } from '../runtime.ts';
import { waitForShutdown } from '../shutdown.ts';

async function serveApi(runtime: Runtime, collector?: CollectorService): Promise<{ url: string; close(): Promise<void> }> {
  const app = await buildApp({
    series: runtime.series,
    registry: runtime.registry,
    apiTokens: runtime.config.apiTokens,
    parseTorrentInput,
    logger: false,
    readiness: () => {
      const checks: Record<string, { ok: boolean; detail?: string }> = { store: { ok: true, detail: runtime.series.kind } };
      if (collector) {
        const status = collector.status();
        checks.dht = status.dht;
        checks.lastSweep = status.lastSweep ? { ok: true, detail: `${status.lastSweep.finishedAt}: ${status.lastSweep.torrents} torrents, ${status.lastSweep.failed} failed` } : { ok: true, detail: 'no sweep yet' };
      }
      return { ready: Object.values(checks).every((check) => check.ok), checks };
    },
  });
  const server = await startServer(app, { host: runtime.config.host, port: runtime.config.port });
  runtime.log.info({ url: server.url }, 'API listening');
  process.stderr.write(`swarmscope: API and page at ${server.url}\n`);
  return server;
}

async function runStart(flags: Record<string, unknown>, withCollector: boolean): Promise<void> {
  try {
    const runtime = await openRuntime(configFromFlags(flags));
    let collector: CollectorService | undefined;
    if (withCollector) {
      importWatchlist(runtime);
      collector = await CollectorService.open(runtime.config, runtime.registry, runtime.series, runtime.log);
    }
    const server = await serveApi(runtime, collector);
    collector?.start();
    await waitForShutdown(runtime.log);
    await server.close();
    await collector?.stop();
    await runtime.close();
  } catch (error) {
    failCommand(error);
  }
}

export function registerStart(program: Command): void {
  addGlobalOptions(
    program.command('start').description('collector + API + built-in page in one process').option('--interval <duration>', 'time between sweeps (default 15m)'),
  ).action((flags: Record<string, unknown>) => runStart(flags, true));
}

export function registerServe(program: Command): void {
  addGlobalOptions(program.command('serve').description('API + built-in page only')).action((flags: Record<string, unknown>) => runStart(flags, false));
}
