/**
 * Points as InfluxDB 1.x line protocol, the body of POST /write
 * (https://docs.influxdata.com/influxdb/v1/write_protocols/line_protocol_reference/):
 * `measurement[,tag=value…] field=value[,field=value…] [timestamp]`, one point per line.
 *
 * Values are written the way node-influx 5.12 wrote them, which created every field of the existing
 * databases: a number as JavaScript prints it (`5`, `1.5`, `1e+21`), which InfluxDB types as a
 * float; never an `i` suffix, because a field first written as float refuses integers for good
 * (a "field type conflict"). Booleans as `true`/`false`, strings double-quoted.
 */

export type InfluxFieldValue = number | string | boolean | null | undefined;

export interface InfluxPoint {
  measurement: string;
  /** A tag with an empty value is left out: line protocol has none, and InfluxDB reads a missing tag as ''. */
  tags?: Readonly<Record<string, string>>;
  /** null, undefined and non-finite numbers are left out (InfluxDB can store none of them). */
  fields: Readonly<Record<string, InfluxFieldValue>>;
  /** Epoch milliseconds (the client writes with precision=ms); left out, InfluxDB stamps the point with its own clock. */
  timestamp?: number;
}

// The escaping rules of the reference's "Special characters": a backslash before each of these.
// A non-global regex tests whether a string needs escaping at all (almost none does: hex
// infohashes, snake_case keys), so the common case costs one scan and no copy.
// What line protocol cannot carry at all (InfluxDB 1.6, Debian's, refuses or misreads the line, as
// it did node-influx's): a measurement, tag key, tag value or field key ending in a backslash, or with one right
// before `,`, `=` or space (InfluxDB unescapes only `\,`, `\=` and `\ ` there, never `\\`); and
// a newline in a string field value (the line ends there). swarmscope's tags and strings avoid both:
// detail-validation.ts refuses control characters in tags, client names are cleaned (client-id.ts),
// timeline titles and sources lose their control characters (timeline-repo.ts).
/** Measurements: comma and space. */
const MEASUREMENT_SPECIAL = /[, ]/;
const MEASUREMENT_SPECIALS = /[, ]/g;
/** Tag keys, tag values and field keys: comma, equals sign and space. */
const KEY_SPECIAL = /[,= ]/;
const KEY_SPECIALS = /[,= ]/g;
/** String field values: double quote and backslash (the value itself is double-quoted). */
const STRING_SPECIAL = /["\\]/;
const STRING_SPECIALS = /["\\]/g;

export function escapeMeasurement(name: string): string {
  return MEASUREMENT_SPECIAL.test(name) ? name.replace(MEASUREMENT_SPECIALS, '\\$&') : name;
}

export function escapeKey(key: string): string {
  return KEY_SPECIAL.test(key) ? key.replace(KEY_SPECIALS, '\\$&') : key;
}

export function quoteString(value: string): string {
  return `"${STRING_SPECIAL.test(value) ? value.replace(STRING_SPECIALS, '\\$&') : value}"`;
}

/** The field set (`a=1,b="x"`), or '' when no field has a value. */
function fieldSet(fields: Readonly<Record<string, InfluxFieldValue>>): string {
  let set = '';
  for (const key in fields) {
    const value = fields[key];
    let text: string;
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) continue;
      text = String(value);
    } else if (typeof value === 'string') {
      text = quoteString(value);
    } else if (typeof value === 'boolean') {
      text = value ? 'true' : 'false';
    } else {
      continue;
    }
    set += `${set === '' ? '' : ','}${escapeKey(key)}=${text}`;
  }
  return set;
}

/**
 * One point's line, or undefined for a point with no field value. node-influx sent such a line;
 * InfluxDB refuses it ("invalid field format"), writes the batch's other points and answers 400
 * ("partial write"), an error no retry can fix. The stores leave such samples out before they get
 * here (series-validation.ts); anything that still has none is not sent, and the rest is written.
 */
export function pointLine(point: InfluxPoint): string | undefined {
  const fields = fieldSet(point.fields);
  if (fields === '') return undefined;
  let line = escapeMeasurement(point.measurement);
  if (point.tags) {
    for (const key in point.tags) {
      const value = point.tags[key];
      if (value !== undefined && value !== '') line += `,${escapeKey(key)}=${escapeKey(value)}`;
    }
  }
  line += ` ${fields}`;
  return point.timestamp === undefined ? line : `${line} ${point.timestamp}`;
}

/** The /write body: one line per point that has a field value, '' when none has. */
export function toLineProtocol(points: readonly InfluxPoint[]): string {
  let body = '';
  for (const point of points) {
    const line = pointLine(point);
    if (line !== undefined) body += body === '' ? line : `\n${line}`;
  }
  return body;
}
