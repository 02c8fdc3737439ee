/**
 * Direct entry of the simulator, usable before and beside the `swarmscope` CLI:
 *   tsx sim/main.ts --nodes 300 --torrents 5 --seed 7 --min-peers 10 --max-peers 5000 --loss 0.1 --rtt-ms 50 --ipv6 --hostile 0.1
 *   tsx sim/main.ts --catalogue 3000 --metadata-share 0.5 --sample-interval-sec 60
 *   tsx sim/main.ts --pex-swarms 60     (swarms partly hidden from the DHT, named over PEX: issue 13)
 *   tsx sim/main.ts --profile internet --nodes 2000 --torrents 1000   (the unfriendly DHT: issue 12, sim/internet-profile.ts)
 *   tsx sim/main.ts --nodes 5000 --torrents 10000 --size-distribution pareto --max-peers 50000   (long-tailed sizes: sim/swarm-sizes.ts)
 * Prints one JSON line ({"bootstrap": [...], "bootstrap6": [...], "torrents": [...], "hostile": [...], "catalogue"?: {...}})
 * and runs until SIGTERM/SIGINT.
 */
import { parseArgs } from 'node:util';
import { describeError, isSwarmscopeError } from '../core/errors.ts';
import { HOSTILE_BEHAVIOURS, type HostileBehaviour } from './hostile-behaviours.ts';
import { KNOB_FLAGS, knobsFromFlags, type SimProfile } from './internet-profile.ts';
import { runSimCommand } from './sim-command.ts';
import type { SwarmSizeDistribution } from './swarm-sizes.ts';

const USAGE = `usage: tsx sim/main.ts [--nodes N] [--torrents T] [--seed S] [--min-peers N] [--max-peers N]
                      [--size-distribution uniform|pareto] [--size-alpha A]
                      [--loss 0..1] [--rtt-ms MS] [--jitter-ms MS] [--bind-host-base 127.A] [--port P]
                      [--ipv6] [--hostile 0..1] [--hostile-behaviours ${HOSTILE_BEHAVIOURS.join(',')}]
                      [--countries DE=0.3,US=0.5] [--catalogue N] [--metadata-share 0..1] [--sample-interval-sec S]
                      [--pex-swarms N] [--profile friendly|internet] [--dead-share 0..1] [--churn-per-minute F]
                      [--rtt-median-ms MS --rtt-p95-ms MS] [--max-peers-per-node N] [--storage-full drop-oldest|drop-new|replace-random]
                      [--upload-bytes-per-sec N] [--block-rate-per-sec N] [--block-timeout-sec S]
                      [--store-nothing-share 0..1] [--nodes-only-share 0..1] [--slice50-share 0..1]`;

/** sysexits.h EX_USAGE: the command was used incorrectly. */
const EXIT_USAGE = 64;

function toNumber(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) throw new UsageError(`--${name} must be a number, got "${text}"`);
  return value;
}

class UsageError extends Error {}

/** "DE=0.3,US=0.5" → { DE: 0.3, US: 0.5 }; codes and shares are checked by the swarm's option validation. */
function toCountries(text: string | undefined): Record<string, number> | undefined {
  if (text === undefined) return undefined;
  const pairs = text.split(',').map((pair) => pair.trim().split('='));
  if (pairs.some((pair) => pair.length !== 2)) throw new UsageError(`--countries must look like DE=0.3,US=0.5, got "${text}"`);
  return Object.fromEntries(pairs.map(([code, share]) => [code!.toUpperCase(), toNumber(`countries ${code}`, share)!]));
}

/** "fabricate,bogon" → the list; names are checked by the swarm's own option validation. */
function toBehaviours(text: string | undefined): HostileBehaviour[] | undefined {
  if (text === undefined) return undefined;
  const names = text.split(',').map((name) => name.trim()).filter(Boolean);
  if (names.length === 0) throw new UsageError(`--hostile-behaviours must list some of ${HOSTILE_BEHAVIOURS.join(', ')}`);
  return names as HostileBehaviour[];
}

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      nodes: { type: 'string' },
      torrents: { type: 'string' },
      seed: { type: 'string' },
      'min-peers': { type: 'string' },
      'max-peers': { type: 'string' },
      'size-distribution': { type: 'string' },
      'size-alpha': { type: 'string' },
      loss: { type: 'string' },
      'rtt-ms': { type: 'string' },
      'jitter-ms': { type: 'string' },
      'bind-host-base': { type: 'string' },
      port: { type: 'string' },
      ipv6: { type: 'boolean' },
      hostile: { type: 'string' },
      'hostile-behaviours': { type: 'string' },
      countries: { type: 'string' },
      catalogue: { type: 'string' },
      'metadata-share': { type: 'string' },
      'sample-interval-sec': { type: 'string' },
      'pex-swarms': { type: 'string' },
      profile: { type: 'string' },
      'storage-full': { type: 'string' },
      ...Object.fromEntries(Object.keys(KNOB_FLAGS).map((flag) => [flag, { type: 'string' as const }])),
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (values['metadata-share'] !== undefined && values.catalogue === undefined) throw new UsageError('--metadata-share needs --catalogue N');
  const seedText = values.seed;
  await runSimCommand({
    nodes: toNumber('nodes', values.nodes),
    torrents: toNumber('torrents', values.torrents),
    // "7" and 7 give the same swarm; keep numbers numeric for readability of logs.
    seed: seedText !== undefined && /^-?\d+$/.test(seedText) ? Number(seedText) : seedText,
    minPeers: toNumber('min-peers', values['min-peers']),
    maxPeers: toNumber('max-peers', values['max-peers']),
    sizeDistribution: values['size-distribution'] as SwarmSizeDistribution | undefined,
    sizeAlpha: toNumber('size-alpha', values['size-alpha']),
    loss: toNumber('loss', values.loss),
    rttMs: toNumber('rtt-ms', values['rtt-ms']),
    jitterMs: toNumber('jitter-ms', values['jitter-ms']),
    bindHostBase: values['bind-host-base'],
    port: toNumber('port', values.port),
    ipv6: values.ipv6,
    hostile: toNumber('hostile', values.hostile),
    hostileBehaviours: toBehaviours(values['hostile-behaviours']),
    countries: toCountries(values.countries),
    catalogue: toNumber('catalogue', values.catalogue),
    metadataShare: toNumber('metadata-share', values['metadata-share']),
    sampleIntervalSec: toNumber('sample-interval-sec', values['sample-interval-sec']),
    pexSwarms: toNumber('pex-swarms', values['pex-swarms']),
    profile: values.profile as SimProfile | undefined,
    internet: knobsFromFlags((flag) => (values as Record<string, string | boolean | undefined>)[flag] as string | undefined, (flag, text) => toNumber(flag, text)!),
  });
}

main(process.argv.slice(2)).then(
  () => {
    process.exitCode = 0;
  },
  (error: unknown) => {
    const usage = error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') === true;
    const message = describeError(error);
    process.stderr.write(`${message.startsWith('sim:') ? message : `sim: ${message}`}\n${usage ? `${USAGE}\n` : ''}`);
    process.exitCode = usage || (isSwarmscopeError(error) && error.code === 'invalid_config') ? EXIT_USAGE : 1;
  },
);
