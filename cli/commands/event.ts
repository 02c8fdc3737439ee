/**
 * `swarmscope event add --kind K --title T [--at ISO] [--torrent H | --family ID] [--url U] [--source S]
 * | ls [--json] [--from T] [--to T] [--torrent H] [--family ID] | rm <id> | import FILE | export [--format csv|json]`:
 * the event timeline (issue 13) from the command line, the same store as `/api/v1/events/timeline`.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parseTimeMs } from '../../core/duration.ts';
import { SwarmscopeError } from '../../core/errors.ts';
import { parseInfohash } from '../../core/infohash.ts';
import { createFamiliesRepo } from '../../store/state/families-repo.ts';
import { parseTimelineFile, timelineEventToJson, timelineToCsv } from '../../store/state/timeline-files.ts';
import { TIMELINE_KINDS, createTimelineRepo, type TimelineQuery } from '../../store/state/timeline-repo.ts';
import { addGlobalOptions } from '../global-options.ts';
import { printJson, printTable } from '../output.ts';
import type { Runtime } from '../runtime.ts';
import { withRuntime } from './watch.ts';

const asRequestError = { errorCode: 'invalid_request' } as const;

function familyIdOf(runtime: Runtime, idOrName: string): string {
  const families = createFamiliesRepo(runtime.stateDb);
  const family = families.get(idOrName) ?? families.findByName(idOrName);
  if (!family) throw new SwarmscopeError('invalid_request', `no family "${idOrName}" (swarmscope family ls lists them)`);
  return family.id;
}

function queryOf(runtime: Runtime, flags: Record<string, unknown>): TimelineQuery {
  const nowMs = Date.now();
  const query: TimelineQuery = {};
  if (flags.from !== undefined) query.fromMs = parseTimeMs(flags.from as string, nowMs, '--from', asRequestError);
  if (flags.to !== undefined) query.toMs = parseTimeMs(flags.to as string, nowMs, '--to', asRequestError);
  if (flags.torrent !== undefined) query.infohash = parseInfohash(flags.torrent as string);
  if (flags.family !== undefined) query.familyIds = [familyIdOf(runtime, flags.family as string)];
  return query;
}

export function registerEventCommand(program: Command): void {
  const event = program.command('event').description(`the event timeline: ${TIMELINE_KINDS.join(', ')}`);
  addGlobalOptions(
    event
      .command('add')
      .description('record an event (a takedown, a news story, a magnet posted, a note...)')
      .requiredOption('--kind <kind>', TIMELINE_KINDS.join(' | '))
      .requiredOption('--title <text>', 'what happened, in one line')
      .option('--at <time>', 'when (ISO 8601 or relative, e.g. -2h); default: now')
      .option('--torrent <infohash>', 'the torrent it is about')
      .option('--family <id|name>', 'the leak family it is about')
      .option('--url <url>', 'the source to cite (http or https)')
      .option('--source <who>', 'who recorded it or where it was reported', 'cli'),
  ).action((flags: Record<string, unknown>) =>
    withRuntime(flags, (runtime) => {
      const nowMs = Date.now();
      const { event: stored, created } = createTimelineRepo(runtime.stateDb).add(
        {
          atMs: flags.at === undefined ? nowMs : parseTimeMs(flags.at as string, nowMs, '--at', asRequestError),
          kind: flags.kind as string,
          title: flags.title as string,
          url: (flags.url as string | undefined) ?? null,
          source: flags.source as string,
          infohash: flags.torrent === undefined ? null : parseInfohash(flags.torrent as string),
          familyId: flags.family === undefined ? null : familyIdOf(runtime, flags.family as string),
        },
        'the event',
      );
      process.stdout.write(`${created ? 'added' : 'already recorded as'} ${stored.id}\n`);
    }),
  );
  addGlobalOptions(
    event
      .command('ls')
      .description('list events, oldest first')
      .option('--from <time>', 'ISO 8601 or relative')
      .option('--to <time>', 'ISO 8601 or relative')
      .option('--torrent <infohash>', 'only about this torrent')
      .option('--family <id|name>', 'only about this family')
      .option('--json', 'print JSON (the shape of GET /api/v1/events/timeline)'),
  ).action((flags: Record<string, unknown>) =>
    withRuntime(flags, (runtime) => {
      const { events, total } = createTimelineRepo(runtime.stateDb).list(queryOf(runtime, flags));
      if (flags.json) return printJson({ events: events.map(timelineEventToJson), total });
      printTable(['ID', 'AT', 'KIND', 'TITLE', 'ABOUT'], events.map((entry) => [entry.id, new Date(entry.atMs).toISOString(), entry.kind, entry.title.slice(0, 70), entry.infohash ?? entry.familyId ?? '']));
    }),
  );
  addGlobalOptions(event.command('rm <id>').description('remove an event')).action((id: string, flags: Record<string, unknown>) =>
    withRuntime(flags, (runtime) => {
      if (!createTimelineRepo(runtime.stateDb).remove(id)) throw new SwarmscopeError('not_found', `no timeline event ${id}`);
      process.stdout.write(`removed ${id}\n`);
    }),
  );
  addGlobalOptions(event.command('import <file>').description('import events from CSV (at,kind,title,url,source,infohash,family) or JSON; all or nothing')).action(
    (file: string, flags: Record<string, unknown>) =>
      withRuntime(flags, (runtime) => {
        let text: string;
        try {
          text = readFileSync(file, 'utf8');
        } catch (error) {
          throw new SwarmscopeError('invalid_request', `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
        }
        const families = createFamiliesRepo(runtime.stateDb);
        const events = parseTimelineFile(text, file, 'import', (idOrName) => (families.get(idOrName) ?? families.findByName(idOrName))?.id);
        const { added, skipped } = createTimelineRepo(runtime.stateDb).importMany(events);
        process.stdout.write(`imported ${added} event(s) from ${file}; ${skipped} already recorded\n`);
      }),
  );
  addGlobalOptions(
    event
      .command('export')
      .description('print every event as CSV or JSON (what import reads)')
      .option('--format <format>', 'csv or json', 'csv')
      .option('--from <time>', 'ISO 8601 or relative')
      .option('--to <time>', 'ISO 8601 or relative')
      .option('--torrent <infohash>', 'only about this torrent')
      .option('--family <id|name>', 'only about this family'),
  ).action((flags: Record<string, unknown>) =>
    withRuntime(flags, (runtime) => {
      if (flags.format !== 'csv' && flags.format !== 'json') throw new SwarmscopeError('invalid_request', `--format must be csv or json, not "${String(flags.format)}"`);
      const repo = createTimelineRepo(runtime.stateDb);
      const query = queryOf(runtime, flags);
      const events = [];
      for (let offset = 0; ; offset += 1000) {
        const page = repo.list({ ...query, offset, limit: 1000 });
        events.push(...page.events);
        if (events.length >= page.total || page.events.length === 0) break;
      }
      if (flags.format === 'json') printJson({ events: events.map(timelineEventToJson), total: events.length });
      else process.stdout.write(timelineToCsv(events));
    }),
  );
}
