/**
 * Brings a database to the shape swarmscope needs, idempotently, at every start: the database, the
 * retention policies (`raw` as DEFAULT, `hourly`, `daily`) at the configured durations, and one
 * continuous query per measurement and downsampled policy. Several collectors may start at once:
 * every step is safe to repeat, and a CQ that changed is recognised by the hash in its name.
 */
import { createHash } from 'node:crypto';
import { SwarmscopeError } from '../../core/errors.ts';
import type { InfluxClient } from './influx-client.ts';
import { DOWNSAMPLE_POLICIES, MEASUREMENTS, RAW_POLICY } from './influx-schema.ts';
import { downsampleSelect, durationLiteral, quoteIdent } from './influxql.ts';

/** How long each policy keeps data, in ms; 0 = forever. */
export interface InfluxRetention {
  rawMs: number;
  hourlyMs: number;
  dailyMs: number;
}

/** Continuous queries swarmscope owns start with this; others in the database are left alone. */
export const CQ_PREFIX = 'swarmscope_';
const HOUR_MS = 3_600_000;

export interface DesiredQuery {
  name: string;
  statement: string;
}

export function desiredContinuousQueries(database: string): DesiredQuery[] {
  return DOWNSAMPLE_POLICIES.flatMap((policy) =>
    MEASUREMENTS.map((schema) => {
      const select = downsampleSelect(database, RAW_POLICY, schema, policy);
      const body = `RESAMPLE FOR ${durationLiteral(policy.resampleForMs)} BEGIN ${select} END`;
      // The hash names the definition: a changed aggregate list gets a new CQ, the old one is dropped.
      const hash = createHash('sha256').update(body).digest('hex').slice(0, 8);
      const name = `${CQ_PREFIX}${schema.name}_${policy.name}_${hash}`;
      return { name, statement: `CREATE CONTINUOUS QUERY ${quoteIdent(name)} ON ${quoteIdent(database)} ${body}` };
    }),
  );
}

export async function setupInfluxDatabase(client: InfluxClient, retention: InfluxRetention): Promise<void> {
  const db = quoteIdent(client.database);
  await client.execute(`CREATE DATABASE ${db}`);
  await ensureRetentionPolicy(client, RAW_POLICY, retention.rawMs, true);
  await ensureRetentionPolicy(client, 'hourly', retention.hourlyMs, false);
  await ensureRetentionPolicy(client, 'daily', retention.dailyMs, false);
  await ensureContinuousQueries(client);
}

async function ensureRetentionPolicy(client: InfluxClient, name: string, durationMs: number, isDefault: boolean): Promise<void> {
  if (durationMs !== 0 && durationMs < HOUR_MS) {
    throw new SwarmscopeError('invalid_config', `the InfluxDB retention of "${name}" must be 0 (forever) or at least 1h, not ${durationMs} ms`);
  }
  const [result] = await client.query(`SHOW RETENTION POLICIES ON ${quoteIdent(client.database)}`);
  const rows = rowsOf(result?.series?.[0]);
  const existing = rows.find((row) => row.name === name);
  const duration = durationMs === 0 ? 'INF' : durationLiteral(durationMs);
  const clause = `ON ${quoteIdent(client.database)} DURATION ${duration} REPLICATION 1${isDefault ? ' DEFAULT' : ''}`;
  if (!existing) {
    await client.execute(`CREATE RETENTION POLICY ${quoteIdent(name)} ${clause}`);
  } else if (goDurationMs(String(existing.duration)) !== durationMs || (isDefault && existing.default !== true)) {
    await client.execute(`ALTER RETENTION POLICY ${quoteIdent(name)} ${clause}`);
  }
}

async function ensureContinuousQueries(client: InfluxClient): Promise<void> {
  const desired = desiredContinuousQueries(client.database);
  const [result] = await client.query('SHOW CONTINUOUS QUERIES');
  const ours = result?.series?.find((series) => series.name === client.database);
  const existing = new Set(rowsOf(ours).map((row) => String(row.name)));
  for (const name of existing) {
    if (!name.startsWith(CQ_PREFIX) || desired.some((query) => query.name === name)) continue;
    await ignoreMissing(client.execute(`DROP CONTINUOUS QUERY ${quoteIdent(name)} ON ${quoteIdent(client.database)}`));
  }
  for (const query of desired) {
    if (!existing.has(query.name)) await ignoreExisting(client.execute(query.statement));
  }
}

/** Another collector starting at the same moment may have dropped or created it first. */
async function ignoreMissing(work: Promise<unknown>): Promise<void> {
  await work.catch((error: unknown) => {
    if (!/not found/i.test(String((error as Error).message))) throw error;
  });
}

async function ignoreExisting(work: Promise<unknown>): Promise<void> {
  await work.catch((error: unknown) => {
    if (!/already exists/i.test(String((error as Error).message))) throw error;
  });
}

export function rowsOf(series: { columns: string[]; values?: unknown[][] } | undefined): Record<string, unknown>[] {
  // An empty listing comes as a series with columns and no `values` at all.
  return (series?.values ?? []).map((values) => Object.fromEntries(series!.columns.map((column, index) => [column, values[index]])));
}

/** InfluxDB prints durations the Go way: `720h0m0s`, `0s` for forever. */
export function goDurationMs(text: string): number {
  const units: Record<string, number> = { h: HOUR_MS, m: 60_000, s: 1000, ms: 1, µs: 0.001, us: 0.001, ns: 0.000001 };
  let total = 0;
  for (const [, amount, unit] of text.matchAll(/(\d+(?:\.\d+)?)(ms|µs|us|ns|h|m|s)/g)) total += Number(amount) * units[unit!]!;
  return Math.round(total);
}
