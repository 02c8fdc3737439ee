/**
 * `swarmscope family add <name> [--torrent H]... [--description D] | attach <id> <infohash|mirror-id>...
 * | detach <id> <infohash|mirror-id>... | rm <id> | ls [--json]` (DESIGN.md §3): the same leak
 * families as `/api/v1/families`. Members are checked before anything is written.
 */
import type { Command } from 'commander';
import { familyToJson } from '../../api/routes/families.ts';
import { SwarmscopeError } from '../../core/errors.ts';
import { createMirrorRegistry } from '../../store/mirror-registry.ts';
import { createFamiliesRepo } from '../../store/state/families-repo.ts';
import { resolveFamilyMember } from '../../store/state/family-members.ts';
import { addGlobalOptions } from '../global-options.ts';
import { printJson, printTable } from '../output.ts';
import type { Runtime } from '../runtime.ts';
import { withRuntime } from './watch.ts';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

function resolveAll(runtime: Runtime, members: readonly string[]) {
  const registries = { registry: runtime.registry, mirrors: createMirrorRegistry(runtime.stateDb) };
  return members.map((raw, index) => resolveFamilyMember(raw, registries, `member ${index + 1} ("${raw}")`));
}

export function registerFamilyCommand(program: Command): void {
  const family = program.command('family').description('leak families: named groups of watched torrents and mirrors');
  addGlobalOptions(
    family
      .command('add <name>')
      .description('create a family')
      .option('--torrent <infohash>', 'a watched torrent of the family; repeatable', collect)
      .option('--description <text>', 'what the family is (e.g. the leak and its date)'),
  ).action((name: string, flags: Record<string, unknown>) =>
    withRuntime(flags, (runtime) => {
      const members = resolveAll(runtime, (flags.torrent as string[] | undefined) ?? []);
      const repo = createFamiliesRepo(runtime.stateDb);
      const created = runtime.stateDb.transaction(() => {
        const made = repo.create({ name, description: (flags.description as string | undefined) ?? null });
        for (const { kind, member } of members) repo.attach(made.id, kind, member);
        return repo.get(made.id)!;
      })();
      process.stdout.write(`added ${created.id} ${created.name} (${created.torrents.length} torrents)\n`);
    }),
  );
  for (const verb of ['attach', 'detach'] as const) {
    addGlobalOptions(family.command(`${verb} <id> <members...>`).description(`${verb} torrents (infohashes) or mirrors (ids)`)).action(
      (id: string, members: string[], flags: Record<string, unknown>) =>
        withRuntime(flags, (runtime) => {
          const repo = createFamiliesRepo(runtime.stateDb);
          if (!repo.get(id)) throw new SwarmscopeError('not_found', `no family ${id}`);
          const resolved = resolveAll(runtime, members);
          runtime.stateDb.transaction(() => {
            for (const { kind, member } of resolved) {
              if (verb === 'attach') repo.attach(id, kind, member);
              else repo.detach(id, kind, member);
            }
          })();
          process.stdout.write(`${verb === 'attach' ? 'attached' : 'detached'} ${resolved.length} to ${id}\n`);
        }),
    );
  }
  addGlobalOptions(family.command('rm <id>').description('delete a family (its torrents and their history stay)')).action((id: string, flags: Record<string, unknown>) =>
    withRuntime(flags, ({ stateDb }) => {
      if (!createFamiliesRepo(stateDb).remove(id)) throw new SwarmscopeError('not_found', `no family ${id}`);
      process.stdout.write(`deleted ${id}\n`);
    }),
  );
  addGlobalOptions(family.command('ls').description('list families').option('--json', 'print JSON (the shape of GET /api/v1/families)')).action(
    (flags: Record<string, unknown>) =>
      withRuntime(flags, ({ stateDb }) => {
        const families = createFamiliesRepo(stateDb).list();
        if (flags.json) return printJson({ families: families.map(familyToJson), total: families.length });
        printTable(['ID', 'NAME', 'TORRENTS', 'MIRRORS'], families.map((entry) => [entry.id, entry.name, String(entry.torrents.length), String(entry.mirrors.length)]));
      }),
  );
}
