/**
 * `swarmscope discover [--once] [--json]`: the discovery crawler alone (BEP 51 sampling, the passive
 * node, metadata of the candidates, the classifier). With `--once`, one pass over the nodes it can
 * reach (or `--max-duration`), every candidate judged, the new discoveries printed, then exit.
 * `swarmscope discoveries ls [--min-score X] [--json]` lists what is stored.
 */
import { familySuggester } from '../../collector/discovery/family-suggester.ts';
import type { Command } from 'commander';
import type { DiscoveryRunReport } from '../../collector/discovery/discovery-service.ts';
import { openDiscovery } from '../../collector/discovery/open-discovery.ts';
import { parseDurationMs } from '../../core/duration.ts';
import { SwarmscopeError } from '../../core/errors.ts';
import { createDiscoveriesRepo, type Discovery } from '../../store/state/discoveries-repo.ts';
import { discoveryToJson } from '../../store/state/discovery-json.ts';
import { addGlobalOptions, configFromFlags } from '../global-options.ts';
import { failCommand, printJson, printTable } from '../output.ts';
import { openRuntime } from '../runtime.ts';
import { waitForShutdown } from '../shutdown.ts';

/** A pass over the real DHT never ends by itself: `--once` stops after this long unless told otherwise. */
const DEFAULT_ONCE_MAX_DURATION = '10m';
/** In a one-pass run a candidate without metadata is retried after 1 s, 2 s, 4 s…: the run must end. */
const ONCE_METADATA_RETRY_MS = 1_000;

function runToJson(report: DiscoveryRunReport) {
  return {
    discoveries: report.discoveries.map(discoveryToJson),
    run: {
      startedAt: new Date(report.startedAtMs).toISOString(),
      finishedAt: new Date(report.finishedAtMs).toISOString(),
      queries: report.crawl.queries,
      nodesSampled: report.frontier.sampled,
      nodesWithoutBep51: report.frontier.unsupported,
      samples: report.crawl.samples,
      passive: report.passive,
      queue: report.queue,
    },
  };
}

function printDiscoveries(discoveries: readonly Discovery[]): void {
  printTable(
    ['INFOHASH', 'SCORE', 'SIZE', 'FOUND BY', 'NAME', 'FAMILY'],
    discoveries.map((discovery) => [
      discovery.infohash,
      discovery.score.toFixed(2),
      `${(discovery.size / 1e9).toFixed(2)} GB`,
      discovery.foundBy,
      discovery.name.slice(0, 50),
      discovery.suggestedFamily?.name ?? discovery.suggestedFamily?.id ?? '',
    ]),
  );
}

export function registerDiscover(program: Command): void {
  addGlobalOptions(
    program
      .command('discover')
      .description('sample the DHT for new model-weight torrents (BEP 51) and judge them')
      .option('--once', 'one pass over the reachable nodes, judge every candidate, print, exit')
      .option('--max-duration <duration>', `with --once: stop the pass after this long (default ${DEFAULT_ONCE_MAX_DURATION})`)
      .option('--json', 'with --once: print one JSON document'),
  ).action(async (flags: Record<string, unknown>) => {
    try {
      const config = configFromFlags(flags);
      const maxDurationMs = parseDurationMs(typeof flags.maxDuration === 'string' ? flags.maxDuration : DEFAULT_ONCE_MAX_DURATION, '--max-duration');
      const runtime = await openRuntime(config, 'reader');
      const service = await openDiscovery(config, {
        stateDb: runtime.stateDb,
        registry: runtime.registry,
        log: runtime.log,
        suggestFamily: familySuggester(runtime.stateDb, runtime.registry),
        ...(flags.once ? { metadataRetryMs: ONCE_METADATA_RETRY_MS } : {}),
      });
      try {
        await service.bootstrap();
        if (flags.once) {
          const report = await service.runOnce({ deadlineMs: performance.now() + maxDurationMs });
          if (flags.json) printJson(runToJson(report));
          else printDiscoveries(report.discoveries);
          return;
        }
        const running = service.run();
        await waitForShutdown(runtime.log);
        // stop() ends run(); the finally below closes the (already closed) socket again at no cost.
        await service.stop();
        await running;
      } finally {
        await service.stop();
        await runtime.close();
      }
    } catch (error) {
      failCommand(error);
    }
  });

  const discoveries = program.command('discoveries').description('torrents found by the discovery crawler');
  addGlobalOptions(
    discoveries
      .command('ls')
      .description('list stored discoveries, highest score first')
      .option('--min-score <score>', 'only those scoring at least this (0..1)')
      .option('--json', 'print one JSON document'),
  ).action(async (flags: Record<string, unknown>) => {
    try {
      const minScore = flags.minScore === undefined ? 0 : Number(flags.minScore);
      if (!Number.isFinite(minScore) || minScore < 0 || minScore > 1) {
        throw new SwarmscopeError('invalid_request', `--min-score must be a number in [0, 1], got "${String(flags.minScore)}"`);
      }
      const runtime = await openRuntime(configFromFlags(flags), 'reader');
      try {
        const { discoveries: found, total } = createDiscoveriesRepo(runtime.stateDb).list({ minScore, limit: 10_000 });
        if (flags.json) printJson({ discoveries: found.map(discoveryToJson), total });
        else printDiscoveries(found);
      } finally {
        await runtime.close();
      }
    } catch (error) {
      failCommand(error);
    }
  });
}
