/**
 * `influx://[user:pass@]host[:port]/db` (DESIGN.md §3); `influxs://` for HTTPS. The password is
 * percent-decoded here and never appears in an error message.
 */
import { SwarmscopeError } from '../../core/errors.ts';

export interface InfluxLocation {
  kind: 'influx';
  protocol: 'http' | 'https';
  host: string;
  port: number;
  database: string;
  username?: string;
  password?: string;
}

export const DEFAULT_INFLUX_PORT = 8086;
const DATABASE_NAME = /^[A-Za-z0-9_-]{1,64}$/;

export function parseInfluxUrl(url: string, shown: string): InfluxLocation {
  const match = /^(influx|influxdb|influxs)(:\/\/.*)$/i.exec(url.trim());
  let parsed: URL | undefined;
  try {
    parsed = match ? new URL(`http${match[2]}`) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!match || !parsed || parsed.hostname === '') {
    throw new SwarmscopeError('invalid_store_url', `store URL "${shown}" is not influx://[user:pass@]host:8086/db`);
  }
  const database = decodeURIComponent(parsed.pathname.replace(/^\/+|\/+$/g, ''));
  if (!DATABASE_NAME.test(database)) {
    throw new SwarmscopeError('invalid_store_url', `store URL "${shown}" needs a database name of letters, digits, _ or - after the host, e.g. influx://localhost:8086/swarmscope`);
  }
  return {
    kind: 'influx',
    protocol: match[1]!.toLowerCase() === 'influxs' ? 'https' : 'http',
    // URL keeps the brackets of an IPv6 literal; the HTTP client wants the bare address.
    host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: parsed.port === '' ? DEFAULT_INFLUX_PORT : Number(parsed.port),
    database,
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
  };
}
