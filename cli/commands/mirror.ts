/**
 * `swarmscope mirror add <url> [--infohash H] [--file F] [--label L] | rm <id> | ls [--json]`
 * (DESIGN.md §3): the same registration as `POST /api/v1/mirrors` — the URL passes the outbound
 * guard (loopback and private targets only when listed in SWARMSCOPE_ALLOW_PRIVATE_TARGETS).
 * The collector checks the mirrors; `ls` shows what the newest checks found.
 */
import type { Command } from 'commander';
import { mirrorJson } from '../../api/routes/mirrors-json.ts';
import { SwarmscopeError } from '../../core/errors.ts';
import { createOutboundGuard } from '../../core/outbound-guard.ts';
import { registerMirror } from '../../store/mirror-registration.ts';
import { createMirrorRegistry } from '../../store/mirror-registry.ts';
import { createMirrorStateRepo } from '../../store/mirror-state-repo.ts';
import { addGlobalOptions } from '../global-options.ts';
import { cell, printJson, printTable } from '../output.ts';
import { withRuntime } from './watch.ts';

export function registerMirrorCommand(program: Command): void {
  const mirror = program.command('mirror').description('manage the HTTP mirrors that are checked and verified');
  addGlobalOptions(
    mirror
      .command('add <url>')
      .description('check a URL that serves a torrent (a directory, BEP 19 layout) or one of its files')
      .option('--infohash <infohash>', 'the watched torrent it mirrors (needed to verify the content)')
      .option('--file <path>', 'the one file of the torrent the URL serves (its path in the file list)')
      .option('--label <label>', 'a label to show'),
  ).action((url: string, flags: Record<string, unknown>) =>
    withRuntime(flags, async ({ config, registry, stateDb }) => {
      const { mirror: added, created } = await registerMirror(
        {
          mirrors: createMirrorRegistry(stateDb),
          torrents: registry,
          guard: createOutboundGuard({ allowPrivateTargets: config.allowPrivateTargets }),
          nowMs: Date.now(),
          fieldName: (field) => (field === 'url' ? '<url>' : `--${field}`),
        },
        { url, infohash: flags.infohash as string | undefined, file: flags.file as string | undefined, label: flags.label as string | undefined },
        'cli',
      );
      process.stdout.write(`${created ? 'added' : 'already checking'} ${added.id} ${added.url}${added.label ? ` (${added.label})` : ''}\n`);
    }),
  );
  addGlobalOptions(mirror.command('rm <id>').description('stop checking a mirror (its history is kept)')).action((id: string, flags: Record<string, unknown>) =>
    withRuntime(flags, ({ stateDb }) => {
      if (!createMirrorRegistry(stateDb).remove(id, Date.now())) throw new SwarmscopeError('not_found', `no mirror ${id}`);
      process.stdout.write(`stopped checking ${id}\n`);
    }),
  );
  addGlobalOptions(mirror.command('ls').description('list mirrors and their state').option('--json', 'print JSON (the shape of GET /api/v1/mirrors)')).action(
    (flags: Record<string, unknown>) =>
      withRuntime(flags, ({ stateDb }) => {
        const { mirrors, total } = createMirrorRegistry(stateDb).list();
        const states = createMirrorStateRepo(stateDb).getMany(mirrors.map((entry) => entry.id));
        const shown = mirrors.map((entry) => mirrorJson(entry, states.get(entry.id)!));
        if (flags.json) return printJson({ mirrors: shown, total });
        const rows = shown.map((entry) => [
          entry.id,
          entry.state,
          cell(entry.latest?.status),
          entry.latest?.verification ? `${entry.latest.verification.verified}/${entry.latest.verification.failed}` : '-',
          entry.url,
          entry.label ?? '',
        ]);
        printTable(['ID', 'STATE', 'STATUS', 'PIECES OK/BAD', 'URL', 'LABEL'], rows);
      }),
  );
}
