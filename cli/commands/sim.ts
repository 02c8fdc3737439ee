/** `swarmscope sim`: only the loopback DHT simulator; prints its bootstrap addresses as one JSON line. */
import type { Command } from 'commander';
import { failCommand } from '../output.ts';
import { KNOB_FLAGS, knobsFromFlags, type SimProfile } from '../../sim/internet-profile.ts';
import type { SwarmSizeDistribution } from '../../sim/swarm-sizes.ts';

/** Commander keys options in camelCase: `--dead-share` is `deadShare`. */
const camelCase = (flag: string): string => flag.replace(/-([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());

export function registerSim(program: Command): void {
  const command = program
    .command('sim')
    .description('start a simulated DHT swarm on loopback and print its bootstrap addresses as JSON')
    .option('--nodes <n>', 'DHT nodes', '200')
    .option('--torrents <n>', 'torrents', '5')
    .option('--seed <seed>', 'seed for a reproducible swarm', '1')
    .option('--min-peers <n>', 'smallest swarm', '10')
    .option('--max-peers <n>', 'largest swarm', '5000')
    .option('--size-distribution <name>', 'uniform (default) or pareto: long-tailed swarm sizes between --min-peers and --max-peers (sim/swarm-sizes.ts)')
    .option('--size-alpha <a>', 'shape of the pareto sizes (default 0.95: 10,000 swarms of 10–50,000 peers hold about a million)')
    .option('--loss <p>', 'share of datagrams lost, 0..1 (default 0; 0.05 with --profile internet)')
    .option('--rtt-ms <ms>', 'round-trip time added to each reply (default 0; log-normal with --profile internet)')
    .option('--profile <name>', 'friendly (default) or internet: dead contacts, churn, long-tailed RTT, loss, libtorrent storage and rate limits, mixed implementations (sim/internet-profile.ts)')
    .option('--storage-full <policy>', 'what a node does with an announce past its cap: drop-oldest, drop-new (libtorrent) or replace-random')
    .option('--countries <shares>', 'place shares of the IPv4 peers in real country blocks, e.g. DE=0.3,US=0.5')
    .option('--catalogue <n>', 'also hold the named catalogue: the fixed model-like torrents plus n ordinary ones, with metadata peers (BEP 9)')
    .option('--metadata-share <p>', 'with --catalogue: share of ordinary torrents whose metadata is served, 0..1 (default 0.5)')
    .option('--sample-interval-sec <s>', 'BEP 51 interval of sample_infohashes replies (default 21600, libtorrent\'s)')
    .option('--pex-swarms <n>', 'also hold n swarms of known size that only partly announce to the DHT, with loopback peers that answer PEX (BEP 11)')
  for (const flag of Object.keys(KNOB_FLAGS)) command.option(`--${flag} <value>`, `Internet-profile knob (sim/internet-profile.ts)`);
  command.action(async (flags: Record<string, string>) => {
      try {
        // Loaded on demand: the collector and API never load the simulator.
        const { runSimCommand } = await import('../../sim/sim-command.ts');
        const internet = knobsFromFlags((flag) => flags[camelCase(flag)], (_, text) => Number(text));
        await runSimCommand({
          nodes: Number(flags.nodes),
          torrents: Number(flags.torrents),
          seed: flags.seed!,
          minPeers: Number(flags.minPeers),
          maxPeers: Number(flags.maxPeers),
          ...(flags.sizeDistribution !== undefined ? { sizeDistribution: flags.sizeDistribution as SwarmSizeDistribution } : {}),
          ...(flags.sizeAlpha !== undefined ? { sizeAlpha: Number(flags.sizeAlpha) } : {}),
          ...(flags.loss !== undefined ? { loss: Number(flags.loss) } : {}),
          ...(flags.rttMs !== undefined ? { rttMs: Number(flags.rttMs) } : {}),
          ...(flags.profile !== undefined ? { profile: flags.profile as SimProfile } : {}),
          ...(internet ? { internet } : {}),
          ...(flags.catalogue !== undefined ? { catalogue: Number(flags.catalogue) } : {}),
          ...(flags.metadataShare !== undefined ? { metadataShare: Number(flags.metadataShare) } : {}),
          ...(flags.sampleIntervalSec !== undefined ? { sampleIntervalSec: Number(flags.sampleIntervalSec) } : {}),
          ...(flags.pexSwarms !== undefined ? { pexSwarms: Number(flags.pexSwarms) } : {}),
          ...(flags.countries ? { countries: Object.fromEntries(flags.countries.split(',').map((pair) => pair.split('=')).map(([code, share]) => [String(code).trim().toUpperCase(), Number(share)])) } : {}),
        });
      } catch (error) {
        failCommand(error);
      }
    });
}
