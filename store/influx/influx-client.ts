/**
 * The one place that talks to node-influx: raw JSON answers with millisecond times, bound
 * parameters on every statement, statement errors and network errors mapped to SwarmscopeErrors,
 * and writes at an explicit millisecond precision (node-influx's default is nanoseconds).
 */
import { InfluxDB, type IPoint } from 'influx';
import { influxError, assertNoStatementErrors, type InfluxResults } from './influx-errors.ts';
import type { InfluxLocation } from './influx-url.ts';

export type Placeholders = Record<string, string | number>;

export interface InfluxClientOptions {
  /** One HTTP request's budget; a sweep's batch is written well within it. */
  requestTimeoutMs?: number;
}

export interface InfluxClient {
  readonly database: string;
  /** A read (GET). Times in the answer are epoch milliseconds. */
  query(statement: string, placeholders?: Placeholders): Promise<InfluxResults>;
  /** A statement that changes something (POST): CREATE, ALTER, DROP, SELECT … INTO. */
  execute(statement: string, placeholders?: Placeholders): Promise<InfluxResults>;
  write(points: IPoint[], retentionPolicy: string): Promise<void>;
  ping(timeoutMs: number): Promise<boolean>;
}

export function createInfluxClient(location: InfluxLocation, options: InfluxClientOptions = {}): InfluxClient {
  const influx = new InfluxDB({
    host: location.host,
    port: location.port,
    protocol: location.protocol,
    database: location.database,
    ...(location.username !== undefined ? { username: location.username } : {}),
    ...(location.password !== undefined ? { password: location.password } : {}),
    // No retries inside node-influx: the spool retries a failed write, and a hidden retry would only
    // stretch a sweep. Its pool marks a failed host down for a backoff; keep that short so a store
    // that came back is used again within seconds (and the backoff timer never holds the process long).
    pool: { maxRetries: 0, requestTimeout: options.requestTimeoutMs ?? 30_000, backoff: shortBackoff() },
  });
  const run = async (statement: string, placeholders: Placeholders, method: 'GET' | 'POST'): Promise<InfluxResults> => {
    let body: unknown;
    try {
      body = await influx.queryRaw(statement, { database: location.database, precision: 'ms', placeholders, method });
    } catch (error) {
      throw influxError(error, `query failed`);
    }
    return assertNoStatementErrors(body, 'refused a statement');
  };
  return {
    database: location.database,
    query: (statement, placeholders = {}) => run(statement, placeholders, 'GET'),
    execute: (statement, placeholders = {}) => run(statement, placeholders, 'POST'),
    async write(points, retentionPolicy) {
      try {
        await influx.writePoints(points, { database: location.database, retentionPolicy, precision: 'ms' });
      } catch (error) {
        throw influxError(error, 'write failed');
      }
    },
    async ping(timeoutMs) {
      const hosts = await influx.ping(timeoutMs);
      return hosts.some((host) => host.online);
    },
  };
}

/** 200 ms, doubling to at most 2 s: node-influx's default goes to 10 s. */
function shortBackoff() {
  const make = (count: number) => ({
    getDelay: () => Math.min(2000, 200 * 2 ** count),
    next: () => make(count + 1),
    reset: () => make(0),
  });
  return make(0);
}
