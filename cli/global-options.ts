/**
 * The options every command takes (DESIGN.md §3), mapped onto the one config schema. Flags win over
 * the environment, which wins over the config file, which wins over the defaults.
 */
import { type Command, Option } from 'commander';
import { loadConfig, type SwarmscopeConfig } from '../core/config.ts';
import { parseDurationMs } from '../core/duration.ts';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];
const splitList = (value: string, previous: string[] = []): string[] => [...previous, ...value.split(',').map((item) => item.trim()).filter(Boolean)];

export function addGlobalOptions(command: Command): Command {
  return command
    .option('--config <file>', 'JSON config file (also SWARMSCOPE_CONFIG)')
    .option('--store <url>', 'sqlite:./data/swarmscope.db (default) or influx://[user:pass@]host:8086/db')
    .option('--port <port>', 'API port (default 8080)')
    .option('--host <host>', 'API host (default 127.0.0.1)')
    .option('--bootstrap <host:port,...>', 'DHT bootstrap nodes (default: the public routers)', splitList)
    .option('--watch <file|magnet|infohash>', 'a watchlist JSON file, a magnet or an infohash; repeatable (default: the shipped list)', collect)
    .option('--allow-private-addresses', 'accept loopback and private peers and nodes (sim, demo, tests)')
    .option('--dht-loopback-only', 'send DHT queries only to 127.0.0.0/8 and ::1 (sim, demo, tests)')
    .option('--concurrency <n>', 'torrents looked up at once at the start of a sweep (default 8)')
    .option('--max-concurrency <n>', 'at most this many at once when a sweep would overrun the interval (default 64)')
    .option('--dht-port <port>', 'UDP port of the DHT socket (default: any free port)')
    .option('--dht-bind-host <host>', 'address the DHT socket binds to (default 0.0.0.0)')
    .option('--dht-bind-host6 <host>', 'address the IPv6 DHT socket binds to (default ::; empty string for IPv4 only)')
    .option('--dht-max-queries-per-ip <n>', 'queries to one IP per 10 s, at most (default 40; libtorrent blocks over 50)')
    .option('--dht-query-timeout <ms>', 'longest wait for one DHT query in ms; timeouts adapt below it (default 2000)')
    .option('--dht-node-query-gap <ms>', 'minimum gap between queries to one node while harvesting, in ms (default 250)')
    .option('--bootstrap-timeout <ms>', 'give up joining the DHT after this many ms (default 20000)')
    .option('--data-dir <dir>', 'folder for local state (default ./data)')
    .option('--tracker-timeout <ms>', 'one UDP tracker request (retried once) or one HTTP scrape, in ms (default 3000)')
    .option('--peer-hash-epoch-days <n>', 'rotate the peer-hash key every n days; 0 = never (default; see PRIVACY.md)')
    .option('--probe-sample-size <n>', 'peers probed over the peer wire per torrent per sweep; 0 = none (default 50)')
    .addOption(new Option('--probe-targets <targets>', 'addresses probes may connect to (default auto: loopback with the sim, else any)').choices(['auto', 'loopback', 'any']))
    .option('--discover', 'start/collect: also run the discovery crawler (BEP 51 sampling, passive node)')
    .option('--discovery-rate <queries/s>', 'DHT queries per second the discovery crawler may send (default 10)')
    .option('--auto-watch-score <score>', 'watch discoveries that score at least this, 0..1; 0 = never (default)')
    .option('--classifier-rules <file>', 'a JSON file of classifier rules that extends or overrides the shipped ones')
    .option('--api-tokens-file <file>', 'API tokens, one per line ([read:|write:|admin:]token), re-read when the file changes (SECURITY.md)')
    .addOption(new Option('--log-level <level>', 'log level').choices(['fatal', 'error', 'warn', 'info', 'debug', 'silent']));
}

/** A numeric flag; a non-number becomes NaN, which the schema then refuses with the setting's name. */
function numberFlag(value: unknown): number | undefined {
  return value === undefined ? undefined : Number(value);
}

/** Reads the global flags (and `--interval` where the command has it) into the config. */
export function configFromFlags(flags: Record<string, unknown>): SwarmscopeConfig {
  const typed: Partial<SwarmscopeConfig> = {
    store: flags.store as string | undefined,
    port: numberFlag(flags.port),
    host: flags.host as string | undefined,
    bootstrap: flags.bootstrap as string[] | undefined,
    watch: flags.watch as string[] | undefined,
    allowPrivateAddresses: flags.allowPrivateAddresses === true ? true : undefined,
    dhtLoopbackOnly: flags.dhtLoopbackOnly === true ? true : undefined,
    concurrency: numberFlag(flags.concurrency),
    maxConcurrency: numberFlag(flags.maxConcurrency),
    dhtPort: numberFlag(flags.dhtPort),
    dhtBindHost: flags.dhtBindHost as string | undefined,
    dhtBindHost6: flags.dhtBindHost6 as string | undefined,
    dhtMaxQueriesPerIpPer10s: numberFlag(flags.dhtMaxQueriesPerIp),
    dhtQueryTimeoutMs: numberFlag(flags.dhtQueryTimeout),
    dhtNodeQueryGapMs: numberFlag(flags.dhtNodeQueryGap),
    bootstrapTimeoutMs: numberFlag(flags.bootstrapTimeout),
    dataDir: flags.dataDir as string | undefined,
    trackerTimeoutMs: numberFlag(flags.trackerTimeout),
    peerHashEpochDays: numberFlag(flags.peerHashEpochDays),
    probeSampleSize: numberFlag(flags.probeSampleSize),
    probeTargets: flags.probeTargets as SwarmscopeConfig['probeTargets'] | undefined,
    shard: flags.shard as string | undefined,
    discovery: flags.discover === true ? true : undefined,
    discoveryRate: numberFlag(flags.discoveryRate),
    autoWatchScore: numberFlag(flags.autoWatchScore),
    classifierRules: flags.classifierRules as string | undefined,
    apiTokensFile: flags.apiTokensFile as string | undefined,
    logLevel: flags.logLevel as SwarmscopeConfig['logLevel'] | undefined,
    intervalMs: typeof flags.interval === 'string' ? parseDurationMs(flags.interval, '--interval') : undefined,
  };
  return loadConfig({ configFile: flags.config as string | undefined, flags: typed });
}
