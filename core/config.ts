/**
 * One typed configuration schema. Precedence: defaults < config file < environment
 * (`SWARMSCOPE_<NAME>`) < command-line flags (DESIGN.md §3). Every source is validated against the
 * same schema, and an invalid value is reported with the key and the source it came from.
 */
import { readFileSync } from 'node:fs';
import Type, { type Static } from 'typebox';
import Value from 'typebox/value';
import { SwarmscopeError, describeError } from './errors.ts';
import { parseDurationMs } from './duration.ts';

/** The public Mainline DHT routers (BEP 5 bootstrap); used only when the user sets nothing else. */
export const PUBLIC_BOOTSTRAP_NODES = [
  'router.bittorrent.com:6881',
  'router.utorrent.com:6881',
  'dht.transmissionbt.com:6881',
  'dht.libtorrent.org:25401',
];

export const ConfigSchema = Type.Object(
  {
    store: Type.String({ minLength: 1, description: 'sqlite:./path.db or influx://[user:pass@]host:8086/db' }),
    port: Type.Integer({ minimum: 0, maximum: 65535 }),
    host: Type.String({ minLength: 1 }),
    bootstrap: Type.Array(Type.String({ pattern: '^(\\[[0-9a-fA-F:.]+\\]|[^:\\s]+):[0-9]{1,5}$' }), { minItems: 1 }),
    watch: Type.Array(Type.String({ minLength: 1 })),
    allowPrivateAddresses: Type.Boolean(),
    dhtLoopbackOnly: Type.Boolean({ description: 'send DHT queries only to 127.0.0.0/8 and ::1 (tests, sim, demo)' }),
    intervalMs: Type.Integer({ minimum: 1000 }),
    concurrency: Type.Integer({ minimum: 1, maximum: 256, description: 'torrents looked up at once at the start of a sweep, and at least' }),
    maxConcurrency: Type.Integer({
      minimum: 1,
      maximum: 1024,
      description: 'torrents looked up at once at most: a sweep that would not end within 80% of the interval widens up to this (never below concurrency)',
    }),
    dhtPort: Type.Integer({ minimum: 0, maximum: 65535 }),
    dhtBindHost: Type.String({ minLength: 1 }),
    dhtBindHost6: Type.String({ description: 'address of the IPv6 DHT socket (BEP 32); empty for IPv4 only' }),
    dhtMaxQueriesPerIpPer10s: Type.Integer({ minimum: 1, maximum: 100000, description: 'politeness: libtorrent blocks IPs over 50 packets in 10 s' }),
    dhtQueryTimeoutMs: Type.Integer({ minimum: 50, maximum: 60000 }),
    bootstrapTimeoutMs: Type.Integer({ minimum: 100, maximum: 120000 }),
    dhtNodeQueryGapMs: Type.Integer({ minimum: 0, maximum: 60000, description: 'minimum gap between queries to one node while harvesting values' }),
    logLevel: Type.Union([Type.Literal('fatal'), Type.Literal('error'), Type.Literal('warn'), Type.Literal('info'), Type.Literal('debug'), Type.Literal('silent')]),
    apiTokens: Type.Array(Type.String({ minLength: 8 })),
    apiTokensFile: Type.String({ description: 'a file of API tokens, one per line ([read:|write:|admin:]token or sha256:<hex>), re-read when it changes: rotate tokens without a restart; empty = none' }),
    allowPrivateTargets: Type.Array(Type.String({ minLength: 1 })),
    dataDir: Type.String({ minLength: 1 }),
    shard: Type.String({ pattern: '^[0-9]{1,4}/[0-9]{1,4}$', description: 'i/n: this collector sweeps the i-th of n parts of the watchlist (rendezvous hashing)' }),
    spoolMaxBytes: Type.Integer({ minimum: 4096, description: 'disk spool for samples while the store is unreachable; past this, new samples are dropped loudly' }),
    rawRetentionMs: Type.Integer({ minimum: 0, description: 'raw samples are kept this long (then only rollups); 0 = forever' }),
    hourlyRetentionMs: Type.Integer({ minimum: 0, description: 'hourly rollups are kept this long; 0 = forever' }),
    dailyRetentionMs: Type.Integer({ minimum: 0, description: 'daily rollups are kept this long; 0 = forever' }),
    upkeepIntervalMs: Type.Integer({ minimum: 1000, description: 'SQLite rollups and retention run at most this often (at start and after sweeps)' }),
    eventRetentionMs: Type.Integer({ minimum: 86_400_000, description: 'fired alert events, finished deliveries and facts already read are deleted after this long (default 90 days)' }),
    protectReads: Type.Boolean({ description: 'GET /api/v1/* also needs a bearer token' }),
    rateLimitPerMinute: Type.Integer({ minimum: 0, maximum: 1_000_000, description: 'requests per client address per minute; 0 = no limit' }),
    webhookTimeoutMs: Type.Integer({ minimum: 100, maximum: 120_000, description: 'one webhook delivery attempt, connect to last byte' }),
    webhookRetryBaseMs: Type.Integer({ minimum: 1, maximum: 3_600_000, description: 'first retry delay; later ones grow from it to hours' }),
    webhookGiveUpAfterMs: Type.Integer({ minimum: 1000, description: 'stop retrying an event this long after it fired' }),
    alertPollIntervalMs: Type.Integer({ minimum: 10, maximum: 3_600_000, description: 'how often alerts and the webhook outbox look for new work' }),
    // Tracker scrapes and peer sketches (issue 4; collector/stages/detail-stages.ts, PRIVACY.md).
    trackerTimeoutMs: Type.Integer({ minimum: 50, maximum: 60_000, description: 'one UDP tracker request (retried once) or one whole HTTP scrape' }),
    peerHashEpochDays: Type.Integer({ minimum: 0, maximum: 3650, description: 'a new random peer-hash key every this many days (old sketches can then no longer be tested for an address; unique_peers restarts); 0 = never' }),
    // HTTP mirrors (issue 8; collector/mirrors/mirror-settings.ts).
    mirrorCheckIntervalMs: Type.Integer({ minimum: 1000, description: 'time between checks of a healthy mirror (failing ones back off)' }),
    mirrorTimeoutMs: Type.Integer({ minimum: 100, maximum: 300_000, description: 'one mirror probe, redirects included: the total time limit' }),
    mirrorPieceTimeoutMs: Type.Integer({ minimum: 100, maximum: 3_600_000, description: 'one sampled piece download: the total time limit' }),
    mirrorDownAfterFailures: Type.Integer({ minimum: 1, maximum: 100, description: 'consecutive failed checks before a mirror is down' }),
    mirrorVerifyPieces: Type.Integer({ minimum: 0, maximum: 64, description: 'pieces fetched by Range and hashed per verification; 0 = off' }),
    mirrorVerifyIntervalMs: Type.Integer({ minimum: 0, description: 'verify a mirror again after this long (sooner when its ETag or size changes)' }),
    mirrorMaxPieceBytes: Type.Integer({ minimum: 16_384, description: 'pieces longer than this are not downloaded: the byte cap per request' }),
    mirrorPerHostConcurrency: Type.Integer({ minimum: 1, maximum: 64, description: 'requests at once to one mirror host' }),
    probeSampleSize: Type.Integer({ minimum: 0, maximum: 10_000, description: 'peers probed over the peer wire per torrent per sweep; 0 = no probes' }),
    probeConcurrency: Type.Integer({ minimum: 1, maximum: 4096, description: 'peer-wire connections open at once, across all torrents of a sweep' }),
    probeConnectTimeoutMs: Type.Integer({ minimum: 50, maximum: 60_000 }),
    probeHandshakeTimeoutMs: Type.Integer({ minimum: 50, maximum: 60_000 }),
    probeSettleMs: Type.Integer({ minimum: 0, maximum: 60_000, description: 'after the handshake, how long a probe waits for the bitfield, the extended handshake and a first PEX message' }),
    probeMetadataTimeoutMs: Type.Integer({ minimum: 50, maximum: 300_000 }),
    metadataMaxBytes: Type.Integer({ minimum: 1024, maximum: 10_000_000, description: 'largest info dictionary fetched over ut_metadata (BEP 9); ut_metadata caps at 10^7' }),
    probeTargets: Type.Union([Type.Literal('auto'), Type.Literal('loopback'), Type.Literal('any')], {
      description: 'loopback: probe only 127.0.0.0/8 and ::1; any: every usable peer; auto: loopback when dhtLoopbackOnly or allowPrivateAddresses is set (sim, demo, tests, whose peers are synthetic addresses of real networks)',
    }),
    // Discovery and leak families (issue 11; collector/discovery/).
    discovery: Type.Boolean({ description: '`start` and `collect` also run the discovery crawler (BEP 51 sampling and passive listening); `discover` always does' }),
    discoveryRate: Type.Number({ exclusiveMinimum: 0, maximum: 1000, description: 'DHT queries per second the discovery crawler may send, at most (its whole budget)' }),
    discoveryPassive: Type.Boolean({ description: 'the crawler runs a DHT node that answers queries (not read-only, BEP 43) and records the infohashes others ask it about' }),
    discoveryQueueMax: Type.Integer({ minimum: 1, maximum: 10_000_000, description: 'infohashes waiting for metadata, at most; past it the oldest are dropped and counted' }),
    discoveryMetadataConcurrency: Type.Integer({ minimum: 1, maximum: 256, description: 'candidates whose peers and metadata are fetched at once' }),
    discoveryMetadataAttempts: Type.Integer({ minimum: 1, maximum: 100, description: 'tries to find a candidate\'s metadata before it is dropped with a reason' }),
    discoveryKeepScore: Type.Number({ minimum: 0, maximum: 1, description: 'candidates scoring below this are counted, not stored as discoveries' }),
    autoWatchScore: Type.Number({ minimum: 0, maximum: 1, description: 'discoveries scoring at least this are added to the watchlist; 0 = never' }),
    classifierRules: Type.String({ description: 'a JSON rules file that extends or overrides the shipped classifier rules; empty = the shipped rules only' }),
  },
  { additionalProperties: false },
);
export type SwarmscopeConfig = Static<typeof ConfigSchema>;

export const DEFAULT_CONFIG: SwarmscopeConfig = {
  store: 'sqlite:./data/swarmscope.db',
  port: 8080,
  host: '127.0.0.1',
  bootstrap: PUBLIC_BOOTSTRAP_NODES,
  watch: [],
  allowPrivateAddresses: false,
  dhtLoopbackOnly: false,
  intervalMs: 15 * 60 * 1000,
  concurrency: 8,
  // 64 at once on the Internet profile sent no node more than it allows (0 blocks; npm run bench).
  maxConcurrency: 64,
  dhtPort: 0,
  dhtBindHost: '0.0.0.0',
  dhtBindHost6: '::',
  dhtMaxQueriesPerIpPer10s: 40,
  dhtQueryTimeoutMs: 2000,
  bootstrapTimeoutMs: 20000,
  dhtNodeQueryGapMs: 250,
  logLevel: 'info',
  apiTokens: [],
  apiTokensFile: '',
  allowPrivateTargets: [],
  dataDir: './data',
  shard: '0/1',
  spoolMaxBytes: 256 * 1024 * 1024,
  // 0 = keep raw samples: the REST API, export and the page read raw samples only (rollups feed
  // Grafana's hourly/daily policies), so deleting raw rows would hide older history from them.
  rawRetentionMs: 0,
  hourlyRetentionMs: 365 * 86_400_000,
  dailyRetentionMs: 0,
  upkeepIntervalMs: 10 * 60_000,
  eventRetentionMs: 90 * 86_400_000,
  protectReads: false,
  // Generous: a dashboard polling a few series every few seconds stays far below it.
  rateLimitPerMinute: 1200,
  webhookTimeoutMs: 10_000,
  webhookRetryBaseMs: 5_000,
  webhookGiveUpAfterMs: 24 * 3_600_000,
  alertPollIntervalMs: 5_000,
  trackerTimeoutMs: 3_000,
  peerHashEpochDays: 0,
  mirrorCheckIntervalMs: 15 * 60_000,
  mirrorTimeoutMs: 15_000,
  mirrorPieceTimeoutMs: 120_000,
  mirrorDownAfterFailures: 3,
  mirrorVerifyPieces: 2,
  // Two 16 MiB pieces four times a day is polite to a volunteer's mirror and still dates a swap within hours.
  mirrorVerifyIntervalMs: 6 * 3_600_000,
  mirrorMaxPieceBytes: 16 * 1024 * 1024,
  mirrorPerHostConcurrency: 2,
  probeSampleSize: 50,
  probeConcurrency: 32,
  probeConnectTimeoutMs: 3_000,
  probeHandshakeTimeoutMs: 5_000,
  probeSettleMs: 2_000,
  probeMetadataTimeoutMs: 10_000,
  metadataMaxBytes: 10_000_000,
  probeTargets: 'auto',
  discovery: false,
  // Modest: the crawl of a 10-million-node DHT is slow at this pace, and that is the point (no node sees a burst).
  discoveryRate: 10,
  discoveryPassive: true,
  discoveryQueueMax: 100_000,
  discoveryMetadataConcurrency: 8,
  discoveryMetadataAttempts: 3,
  discoveryKeepScore: 0.3,
  autoWatchScore: 0,
  classifierRules: '',
};

type Key = keyof SwarmscopeConfig;
/** The JSON Schema type of a setting, read from the schema itself so the coercion never drifts from it. */
function settingType(key: Key): string | undefined {
  const property = (ConfigSchema.properties as Record<string, { type?: string }>)[key];
  return property?.type;
}

/** `allowPrivateAddresses` -> `SWARMSCOPE_ALLOW_PRIVATE_ADDRESSES`; `intervalMs` is read as `SWARMSCOPE_INTERVAL`. */
export function envName(key: Key): string {
  const base = key === 'intervalMs' ? 'interval' : key;
  return `SWARMSCOPE_${base.replace(/[A-Z]/g, (letter) => `_${letter}`).toUpperCase()}`;
}

/** A raw string from the environment or a flag, turned into the schema's type. */
export function coerceSetting(key: Key, raw: string, source: string): unknown {
  const type = settingType(key);
  if (type === 'array') return raw.split(',').map((item) => item.trim()).filter((item) => item.length > 0);
  if (type === 'boolean') {
    if (/^(1|true|yes|on)$/i.test(raw)) return true;
    if (/^(0|false|no|off)$/i.test(raw)) return false;
    throw new SwarmscopeError('invalid_config', `${source}: "${raw}" is not a boolean (use true or false)`);
  }
  if (key === 'intervalMs') return durationSetting(raw, source);
  if (type === 'integer') {
    if (!/^-?\d+$/.test(raw.trim())) throw new SwarmscopeError('invalid_config', `${source}: "${raw}" is not a whole number`);
    return Number(raw);
  }
  if (type === 'number') {
    if (!/^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(raw.trim())) throw new SwarmscopeError('invalid_config', `${source}: "${raw}" is not a number`);
    return Number(raw);
  }
  return raw;
}

function durationSetting(raw: string, source: string): number {
  try {
    return parseDurationMs(raw, source);
  } catch (error) {
    throw new SwarmscopeError('invalid_config', describeError(error));
  }
}

function readConfigFile(path: string): Partial<SwarmscopeConfig> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new SwarmscopeError('invalid_config', `config file ${path}: ${describeError(error)}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new SwarmscopeError('invalid_config', `config file ${path}: the top level must be a JSON object`);
  }
  const record = { ...(parsed as Record<string, unknown>) };
  // Humans write "interval": "15m"; the schema stores milliseconds.
  if (typeof record.interval === 'string' || typeof record.interval === 'number') {
    record.intervalMs = typeof record.interval === 'number' ? record.interval : durationSetting(record.interval, `config file ${path}: interval`);
    delete record.interval;
  }
  validatePartial(record, `config file ${path}`);
  return record as Partial<SwarmscopeConfig>;
}

const PartialConfigSchema = Type.Partial(ConfigSchema);

function validatePartial(values: Record<string, unknown>, source: string): void {
  const unknownKeys = Object.keys(values).filter((key) => !(key in DEFAULT_CONFIG));
  if (unknownKeys.length > 0) {
    throw new SwarmscopeError('invalid_config', `${source}: unknown setting${unknownKeys.length > 1 ? 's' : ''} ${unknownKeys.map((key) => `"${key}"`).join(', ')}`);
  }
  const partialSchema = PartialConfigSchema;
  if (Value.Check(partialSchema, values)) return;
  const problems = [...Value.Errors(partialSchema, values)]
    .filter((error) => error.keyword !== 'boolean')
    .map((error) => `"${error.instancePath.replace(/^\//, '').replace(/\//g, '.')}" ${error.message}`);
  throw new SwarmscopeError('invalid_config', `${source}: ${problems.join('; ')}`);
}

export interface ConfigSources {
  /** Path from `--config` (or SWARMSCOPE_CONFIG). */
  configFile?: string;
  env?: NodeJS.ProcessEnv;
  /** Values from command-line flags, already typed. */
  flags?: Partial<SwarmscopeConfig>;
}

export function loadConfig(sources: ConfigSources = {}): SwarmscopeConfig {
  const env = sources.env ?? process.env;
  const configFile = sources.configFile ?? env.SWARMSCOPE_CONFIG;
  const fromFile = configFile ? readConfigFile(configFile) : {};
  const fromEnv: Record<string, unknown> = {};
  for (const key of Object.keys(DEFAULT_CONFIG) as Key[]) {
    const raw = env[envName(key)];
    if (raw !== undefined && raw !== '') fromEnv[key] = coerceSetting(key, raw, envName(key));
  }
  validatePartial(fromEnv, 'environment');
  const flags = Object.fromEntries(Object.entries(sources.flags ?? {}).filter(([, value]) => value !== undefined));
  validatePartial(flags, 'command line');
  return { ...DEFAULT_CONFIG, ...fromFile, ...fromEnv, ...flags } as SwarmscopeConfig;
}
