/**
 * `swarmscope start` (collector + API + page in one process, what `npm start` runs) and
 * `swarmscope serve` (API + page only, stateless on top of the store). Both run the alert
 * evaluator and the webhook delivery worker next to the API; with `start` the evaluator is nudged
 * after each sweep's write, with `serve` it polls for samples another process wrote.
 */
import type { Command } from 'commander';
import { startAlerting, type Alerting } from '../../api/alerting.ts';
import { buildApp } from '../../api/app.ts';
import { createApiMetrics, type ApiMetrics } from '../../api/metrics/api-metrics.ts';
import type { MetricsSource } from '../../api/metrics/metrics-source.ts';
import { startServer } from '../../api/server.ts';
import { CollectorService } from '../../collector/collector-service.ts';
import { openMirrorChecker } from '../../collector/mirrors/open-mirror-checker.ts';
import { parseTorrentInput } from '../../collector/watchlist/parse-watch-input.ts';
import { createOutboundGuard, type OutboundGuard } from '../../core/outbound-guard.ts';
import { createInfluxClient } from '../../store/influx/influx-client.ts';
import { startTimelineExport } from '../../store/influx/influx-timeline.ts';
import { openMirrorSeries } from '../../store/mirror-series-open.ts';
import { parseStoreUrl } from '../../store/open-store.ts';
import { createFamiliesRepo } from '../../store/state/families-repo.ts';
import { createTimelineRepo } from '../../store/state/timeline-repo.ts';
import { emitDomainEvent } from '../../store/state/domain-events.ts';
import { SweepLog } from '../../store/state/sweep-log.ts';
import { collectorMetricsSource, meterSeriesStore } from '../collector-metrics-source.ts';
import { startDiscoveryIfEnabled } from '../discovery-runner.ts';
import { addGlobalOptions, configFromFlags } from '../global-options.ts';
import { failCommand } from '../output.ts';
import { importWatchlist, openRuntime, type Runtime } from '../runtime.ts';
import { waitForShutdown } from '../shutdown.ts';

interface ServeParts {
  collector?: CollectorService;
  guard: OutboundGuard;
  metrics: ApiMetrics;
  metricsSource: MetricsSource;
}

async function serveApi(runtime: Runtime, parts: ServeParts): Promise<{ url: string; close(): Promise<void> }> {
  const { config } = runtime;
  const { collector } = parts;
  const app = await buildApp({
    series: runtime.series,
    registry: runtime.registry,
    stateDb: runtime.stateDb,
    apiTokens: config.apiTokens,
    ...(config.apiTokensFile ? { apiTokensFile: config.apiTokensFile } : {}),
    protectReads: config.protectReads,
    rateLimit: { max: config.rateLimitPerMinute },
    outboundGuard: parts.guard,
    metrics: parts.metrics,
    metricsSource: parts.metricsSource,
    parseTorrentInput,
    mirrorSeries: openMirrorSeries(config, runtime.stateDb),
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
  const server = await startServer(app, { host: config.host, port: config.port });
  runtime.log.info({ url: server.url }, 'API listening');
  process.stderr.write(`swarmscope: API and page at ${server.url}\n`);
  return server;
}

/** Grafana's annotations read the timeline from InfluxDB: keep a copy there (store/influx/influx-timeline.ts). */
function startTimelineExportIfInflux(runtime: Runtime): { stop(): Promise<void> } | undefined {
  const location = parseStoreUrl(runtime.config.store);
  if (location.kind !== 'influx') return undefined;
  const influx = createInfluxClient(location);
  const families = createFamiliesRepo(runtime.stateDb);
  return startTimelineExport(createTimelineRepo(runtime.stateDb), influx, (id) => families.get(id)?.torrents ?? [], runtime.log);
}

async function runStart(flags: Record<string, unknown>, withCollector: boolean): Promise<void> {
  try {
    const runtime = await openRuntime(configFromFlags(flags), withCollector ? 'collector' : 'reader');
    const { config } = runtime;
    // Built first: a malformed SWARMSCOPE_ALLOW_PRIVATE_TARGETS stops the start with a clear message.
    const guard = createOutboundGuard({ allowPrivateTargets: config.allowPrivateTargets });
    const metrics = createApiMetrics();
    let alerting: Alerting | undefined;
    const metered = meterSeriesStore(runtime.series, () => alerting?.nudge());
    let collector: CollectorService | undefined;
    if (withCollector) {
      importWatchlist(runtime);
      collector = await CollectorService.open(config, runtime.registry, metered.series, runtime.log, {
        emitDomainEvent: (event) => emitDomainEvent(runtime.stateDb, event),
        sweepLog: new SweepLog(runtime.stateDb),
        mirrors: openMirrorChecker(config, runtime.registry, runtime.stateDb, runtime.log),
      });
    }
    alerting = startAlerting({
      stateDb: runtime.stateDb,
      series: runtime.series,
      registry: runtime.registry,
      guard,
      metrics,
      log: runtime.log,
      pollIntervalMs: config.alertPollIntervalMs,
      webhookTimeoutMs: config.webhookTimeoutMs,
      webhookRetryBaseMs: config.webhookRetryBaseMs,
      webhookGiveUpAfterMs: config.webhookGiveUpAfterMs,
      eventRetentionMs: config.eventRetentionMs,
    });
    const timelineExport = startTimelineExportIfInflux(runtime);
    const server = await serveApi(runtime, { collector, guard, metrics, metricsSource: collectorMetricsSource(collector, metered) });
    collector?.start();
    const discovery = withCollector ? await startDiscoveryIfEnabled(runtime) : undefined;
    await waitForShutdown(runtime.log);
    await server.close();
    await discovery?.stop();
    await collector?.stop();
    await alerting.stop();
    await timelineExport?.stop();
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
