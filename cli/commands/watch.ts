/** `swarmscope watch add <magnet|infohash|file.torrent> [--label L] | rm <infohash> | ls` */
import type { Command } from 'commander';
import { parseWatchArgument } from '../../collector/watchlist/parse-watch-input.ts';
import { SwarmscopeError } from '../../core/errors.ts';
import { redactUrl } from '../../core/redact-url.ts';
import { parseInfohash } from '../../core/infohash.ts';
import { addGlobalOptions, configFromFlags } from '../global-options.ts';
import { failCommand, printJson, printTable } from '../output.ts';
import { openRuntime, type Runtime } from '../runtime.ts';

/** Opens the store for one command, runs it, closes the store; a failure exits as failCommand says. Also used by `mirror`. */
export async function withRuntime(flags: Record<string, unknown>, work: (runtime: Runtime) => void | Promise<void>): Promise<void> {
  try {
    const runtime = await openRuntime(configFromFlags(flags));
    try {
      await work(runtime);
    } finally {
      await runtime.close();
    }
  } catch (error) {
    failCommand(error);
  }
}

export function registerWatch(program: Command): void {
  const watch = program.command('watch').description('manage the watchlist');
  addGlobalOptions(watch.command('add <torrent>').description('watch a magnet, infohash or .torrent file').option('--label <label>', 'a label to show')).action(
    (argument: string, flags: Record<string, unknown>) =>
      withRuntime(flags, ({ registry }) => {
        const entry = parseWatchArgument(argument);
        const { torrent, created } = registry.add({ ...entry, label: (flags.label as string | undefined) ?? entry.label ?? entry.name ?? null, source: 'cli' });
        process.stdout.write(`${created ? 'watching' : 'already watching'} ${torrent.infohash}${torrent.label ? ` (${torrent.label})` : ''}\n`);
      }),
  );
  addGlobalOptions(watch.command('rm <infohash>').description('stop watching (history is kept)')).action((argument: string, flags: Record<string, unknown>) =>
    withRuntime(flags, ({ registry }) => {
      const infohash = parseInfohash(argument);
      if (!registry.remove(infohash)) throw new SwarmscopeError('not_found', `${infohash} is not on the watchlist`);
      process.stdout.write(`stopped watching ${infohash}\n`);
    }),
  );
  addGlobalOptions(watch.command('ls').description('list the watchlist').option('--json', 'print JSON')).action((flags: Record<string, unknown>) =>
    withRuntime(flags, ({ registry }) => {
      const { torrents } = registry.list({ offset: 0, limit: 1_000_000 });
      // Passkeys in tracker URLs are credentials: shown redacted, as by the API (core/redact-url.ts).
      if (flags.json) printJson({ torrents: torrents.map((torrent) => ({ ...torrent, trackers: torrent.trackers.map(redactUrl) })), total: torrents.length });
      else printTable(['INFOHASH', 'LABEL', 'SOURCE'], torrents.map((torrent) => [torrent.infohash, torrent.label ?? '', torrent.source ?? '']));
    }),
  );
}
