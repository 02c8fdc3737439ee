/**
 * `swarmscope collect [--once] [--interval 15m] [--json]`: the collector alone. With `--once`, one
 * full sweep of the watchlist is written to the store and printed (DESIGN.md §3), then it exits.
 */
import type { Command } from 'commander';
import { CollectorService } from '../../collector/collector-service.ts';
import { openMirrorChecker } from '../../collector/mirrors/open-mirror-checker.ts';
import { parseShard } from '../../core/shard.ts';
import type { SweepReport } from '../../collector/sweep.ts';
import { valuesToMetricsJson } from '../../store/sample-fields.ts';
import { emitDomainEvent } from '../../store/state/domain-events.ts';
import { SweepLog } from '../../store/state/sweep-log.ts';
import { addGlobalOptions, configFromFlags } from '../global-options.ts';
import { cell, failCommand, printJson, printTable } from '../output.ts';
import { startDiscoveryIfEnabled } from '../discovery-runner.ts';
import { importWatchlist, openRuntime } from '../runtime.ts';
import { waitForShutdown } from '../shutdown.ts';

export function sweepToJson(report: SweepReport) {
  return {
    sweep: {
      startedAt: new Date(report.startedAtMs).toISOString(),
      finishedAt: new Date(report.finishedAtMs).toISOString(),
      torrents: report.results.length,
    },
    torrents: report.results.map(({ torrent, sample, error }) => ({
      infohash: torrent.infohash,
      label: torrent.label,
      ...valuesToMetricsJson(sample?.values ?? {}),
      name: torrent.name,
      size: torrent.size,
      ...(error ? { error } : {}),
    })),
  };
}

function printSweepTable(report: SweepReport): void {
  const rows = sweepToJson(report).torrents.map((torrent) => [
    torrent.infohash,
    (torrent.label ?? '').slice(0, 40),
    cell(torrent.dhtPeers),
    cell(torrent.dhtNodes),
    `${cell(torrent.bep33Seeders)}/${cell(torrent.bep33Peers)}`,
    `${cell(torrent.trackerSeeders)}/${cell(torrent.trackerLeechers)}/${cell(torrent.trackerCompleted)}`,
    torrent.error ?? '',
  ]);
  printTable(['INFOHASH', 'LABEL', 'DHT PEERS', 'DHT NODES', 'BEP33 S/P', 'TRACKER S/L/C', 'ERROR'], rows);
}

export function registerCollect(program: Command): void {
  addGlobalOptions(
    program
      .command('collect')
      .description('run the collector only')
      .option('--once', 'one full sweep, print it, exit')
      .option('--interval <duration>', 'time between sweeps, e.g. 15m (default 15m)')
      .option('--json', 'with --once: print one JSON document')
      .option('--shard <i/n>', 'sweep only the i-th of n parts of the watchlist (0-based; rendezvous hashing on the infohash)'),
  ).action(async (flags: Record<string, unknown>) => {
    try {
      const config = configFromFlags(flags);
      // A shard such as 3/3 is refused before anything starts, with the usage in the message.
      parseShard(config.shard);
      const runtime = await openRuntime(config, 'collector');
      importWatchlist(runtime);
      const collector = await CollectorService.open(runtime.config, runtime.registry, runtime.series, runtime.log, {
        emitDomainEvent: (event) => emitDomainEvent(runtime.stateDb, event),
        sweepLog: new SweepLog(runtime.stateDb),
        mirrors: openMirrorChecker(runtime.config, runtime.registry, runtime.stateDb, runtime.log),
      });
      if (flags.once) {
        try {
          const report = await collector.sweepOnce();
          if (flags.json) printJson(sweepToJson(report));
          else printSweepTable(report);
        } finally {
          await collector.stop();
          await runtime.close();
        }
        return;
      }
      collector.start();
      const discovery = await startDiscoveryIfEnabled(runtime);
      await waitForShutdown(runtime.log);
      await discovery?.stop();
      await collector.stop();
      await runtime.close();
    } catch (error) {
      failCommand(error);
    }
  });
}
