/**
 * `swarmscope report --torrent H | --family ID [--from T] [--to T] --out report.html` (DESIGN.md §3,
 * issue 13): one self-contained HTML file — graphs as inline SVG, the map, the events, the gaps, the
 * figures as tables and the methods record — that opens offline and prints cleanly to PDF.
 */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parseTimeMs } from '../../core/duration.ts';
import { SwarmscopeError } from '../../core/errors.ts';
import { reportData } from '../../dashboards/report/report-data.ts';
import { reportHtml } from '../../dashboards/report/report-html.ts';
import { addGlobalOptions } from '../global-options.ts';
import { withRuntime } from './watch.ts';

/** A month by default: long enough to show a leak spreading, short enough to read. */
const DEFAULT_REPORT_WINDOW_MS = 30 * 86_400_000;

export function registerReport(program: Command): void {
  addGlobalOptions(
    program
      .command('report')
      .description('write a self-contained HTML report (graphs, map, events, gaps, methods) for a torrent or a leak family')
      .option('--torrent <infohash>', 'a watched torrent')
      .option('--family <id|name>', 'a leak family')
      .option('--from <time>', 'ISO 8601 or relative (-30d); default: 30 days before --to')
      .option('--to <time>', 'ISO 8601 or relative; default: now')
      .requiredOption('--out <file>', 'where to write the HTML file'),
  ).action((flags: Record<string, unknown>) =>
    withRuntime(flags, async (runtime) => {
      const torrent = flags.torrent as string | undefined;
      const family = flags.family as string | undefined;
      if ((torrent === undefined) === (family === undefined)) throw new SwarmscopeError('invalid_request', 'give exactly one of --torrent H or --family ID');
      const nowMs = Date.now();
      const toMs = flags.to === undefined ? nowMs : parseTimeMs(flags.to as string, nowMs, '--to', { errorCode: 'invalid_request' });
      const fromMs = flags.from === undefined ? toMs - DEFAULT_REPORT_WINDOW_MS : parseTimeMs(flags.from as string, nowMs, '--from', { errorCode: 'invalid_request' });
      if (fromMs >= toMs) throw new SwarmscopeError('invalid_request', '--from must be before --to');
      const data = await reportData(
        { series: runtime.series, registry: runtime.registry, stateDb: runtime.stateDb },
        { ...(torrent !== undefined ? { torrent } : { family: family! }), fromMs, toMs, nowMs },
      );
      const out = flags.out as string;
      writeFileSync(out, reportHtml(data));
      process.stdout.write(`wrote ${out}: ${data.kind} "${data.title}", ${data.members.length} torrent(s), ${data.events.length} event(s)\n`);
    }),
  );
}
