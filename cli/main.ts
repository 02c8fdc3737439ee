/**
 * The `swarmscope` command (DESIGN.md §3). Exit codes: 0 success, 1 a runtime failure (the DHT or
 * the store unreachable), 2 bad input (options, config, watchlist).
 */
import { Command } from 'commander';
import { registerCollect } from './commands/collect.ts';
import { registerDemo } from './commands/demo.ts';
import { registerDiscover } from './commands/discover.ts';
import { registerEventCommand } from './commands/event.ts';
import { registerExport } from './commands/export.ts';
import { registerFamilyCommand } from './commands/family.ts';
import { registerMirrorCommand } from './commands/mirror.ts';
import { registerReport } from './commands/report.ts';
import { registerServe, registerStart } from './commands/start.ts';
import { registerSim } from './commands/sim.ts';
import { registerWatch } from './commands/watch.ts';

const program = new Command()
  .name('swarmscope')
  .description('An observatory for torrent swarms of leaked and torrent-released AI model weights')
  .showHelpAfterError()
  .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2));

registerStart(program);
registerServe(program);
registerCollect(program);
registerSim(program);
registerDemo(program);
registerWatch(program);
registerMirrorCommand(program);
registerExport(program);
registerDiscover(program);
registerFamilyCommand(program);
registerReport(program);
registerEventCommand(program);

await program.parseAsync(process.argv);
