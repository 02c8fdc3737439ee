/**
 * `swarmscope export --infohash H --metric M [--from T] [--to T] [--step S] [--format csv|json] [--methods-file F]`
 * (DESIGN.md §3): the points, the gaps with their causes, and the methods record (METHODS.md), so
 * the file alone says how many sweeps there were, which failed and why, and how it was measured.
 */
import type { Command } from 'commander';
import { SwarmscopeError } from '../../core/errors.ts';
import { parseInfohash } from '../../core/infohash.ts';
import { writeFileSync } from 'node:fs';
import { methodsRecord } from '../../store/methods-record.ts';
import { seriesCoverage } from '../../store/series-coverage.ts';
import { resolveSeriesRequest, seriesToCsv, seriesToJson } from '../../store/series-request.ts';
import { addGlobalOptions, configFromFlags } from '../global-options.ts';
import { failCommand, printJson } from '../output.ts';
import { openRuntime } from '../runtime.ts';

export function registerExport(program: Command): void {
  addGlobalOptions(
    program
      .command('export')
      .description('print a series from the store as CSV or JSON')
      .requiredOption('--infohash <hex>', 'the torrent')
      .requiredOption('--metric <name>', 'e.g. dht_peers')
      .option('--from <time>', 'ISO 8601 or relative (-7d); default: 24 h ago')
      .option('--to <time>', 'ISO 8601 or relative; default: now')
      .option('--step <duration>', 'bucket width, e.g. 1h; 0 for raw samples')
      .option('--agg <agg>', 'avg, min, max, first, last, sum, count (default avg)')
      .option('--format <format>', 'csv or json', 'csv')
      .option('--methods-file <path>', 'also write the methods record and gaps to this JSON file (a CSV then has no # header)'),
  ).action(async (flags: Record<string, unknown>) => {
    try {
      const format = flags.format as string;
      if (format !== 'csv' && format !== 'json') throw new SwarmscopeError('invalid_request', `--format must be csv or json, not "${format}"`);
      const runtime = await openRuntime(configFromFlags(flags));
      try {
        const query = resolveSeriesRequest({
          infohash: parseInfohash(flags.infohash as string),
          metric: flags.metric as string,
          from: flags.from as string | undefined,
          to: flags.to as string | undefined,
          step: flags.step as string | undefined,
          agg: flags.agg as string | undefined,
        });
        const points = await runtime.series.querySeries(query);
        const nowMs = Date.now();
        const coverage = seriesCoverage(runtime.stateDb, runtime.registry, { infohash: query.infohash, fromMs: query.fromMs, toMs: query.toMs, nowMs });
        const methods = methodsRecord(runtime.stateDb, runtime.series.kind, { ...query, coverage }, nowMs);
        const methodsFile = flags.methodsFile as string | undefined;
        if (methodsFile) writeFileSync(methodsFile, `${JSON.stringify({ methods, gaps: seriesToJson(query, [], { gaps: coverage.gaps }).gaps }, null, 2)}\n`);
        // JSON always carries the record; a CSV written beside --methods-file stays plain (its gap breaks remain).
        if (format === 'json') printJson(seriesToJson(query, points, { gaps: coverage.gaps, methods }));
        else process.stdout.write(seriesToCsv(points, { gaps: coverage.gaps, ...(methodsFile ? {} : { methods }), stepMs: query.stepMs }));
      } finally {
        await runtime.close();
      }
    } catch (error) {
      failCommand(error);
    }
  });
}
