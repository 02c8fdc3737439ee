/**
 * What both stores check before they write or read tagged series and sketches (the DetailStore of
 * store/types.ts), so SQLite and InfluxDB accept and refuse the same input with the same codes, as
 * series-validation.ts does for the `swarm` samples.
 */
import { SwarmscopeError } from '../core/errors.ts';
import { HyperLogLog } from '../core/hyperloglog.ts';
import { parseInfohash } from '../core/infohash.ts';
import { storedValue } from './series-validation.ts';
import { AGGREGATIONS, TAGGED_MEASUREMENTS, type DetailStore, type SeriesStore, type SketchSample, type TaggedMeasurement, type TaggedQuery, type TaggedSample } from './types.ts';

/** Tracker URLs are the longest tag values; longer ones are refused rather than cut (two URLs could collide). */
export const MAX_TAG_CHARS = 512;

export function isTaggedMeasurement(value: string): value is TaggedMeasurement {
  return Object.hasOwn(TAGGED_MEASUREMENTS, value);
}

export function fieldsOf(measurement: TaggedMeasurement): readonly string[] {
  return TAGGED_MEASUREMENTS[measurement].fields;
}

function checkMeasurement(measurement: string): TaggedMeasurement {
  if (!isTaggedMeasurement(measurement)) {
    throw new SwarmscopeError('invalid_request', `unknown tagged measurement "${measurement}" (known: ${Object.keys(TAGGED_MEASUREMENTS).join(', ')})`);
  }
  return measurement;
}

function checkTime(atMs: number): number {
  if (!Number.isSafeInteger(atMs) || atMs < 0) throw new SwarmscopeError('invalid_request', `sample time ${atMs} is not a whole number of milliseconds since 1970`);
  return atMs;
}

function checkTag(tag: string): string {
  // Control characters would break InfluxDB's line protocol and make no sense in a label.
  if (typeof tag !== 'string' || tag.length === 0 || tag.length > MAX_TAG_CHARS || /[\u0000-\u001f\u007f]/.test(tag)) {
    throw new SwarmscopeError('invalid_request', `a tag must be 1 to ${MAX_TAG_CHARS} printable characters, got ${JSON.stringify(String(tag).slice(0, 80))}`);
  }
  return tag;
}

/** Throws on anything malformed (all-or-nothing); drops non-finite values, then samples left with no value. */
export function normalizeTaggedBatch(samples: readonly TaggedSample[]): TaggedSample[] {
  return samples
    .map((sample): TaggedSample => {
      const measurement = checkMeasurement(sample.measurement);
      const allowed = fieldsOf(measurement);
      const unknown = Object.keys(sample.values).filter((field) => !allowed.includes(field));
      if (unknown.length > 0) throw new SwarmscopeError('invalid_request', `unknown field ${unknown.join(', ')} of ${measurement} (known: ${allowed.join(', ')})`);
      const values: Record<string, number> = {};
      for (const field of allowed) {
        const value = storedValue(sample.values[field]);
        if (value !== null) values[field] = value;
      }
      return { measurement, infohash: parseInfohash(sample.infohash), tag: checkTag(sample.tag), atMs: checkTime(sample.atMs), values };
    })
    .filter((sample) => Object.keys(sample.values).length > 0);
}

export function validateTaggedQuery(query: TaggedQuery): TaggedQuery {
  const measurement = checkMeasurement(query.measurement);
  if (!fieldsOf(measurement).includes(query.field)) {
    throw new SwarmscopeError('invalid_request', `unknown field "${query.field}" of ${measurement} (known: ${fieldsOf(measurement).join(', ')})`);
  }
  if (!(AGGREGATIONS as readonly string[]).includes(query.agg)) throw new SwarmscopeError('invalid_request', `unknown aggregation "${query.agg}"`);
  if (!Number.isSafeInteger(query.stepMs) || query.stepMs < 0) throw new SwarmscopeError('invalid_request', `step ${query.stepMs} ms is not a whole number >= 0`);
  if (!Number.isFinite(query.fromMs) || !Number.isFinite(query.toMs)) throw new SwarmscopeError('invalid_request', 'the range bounds must be finite times');
  return { ...query, measurement, infohash: parseInfohash(query.infohash) };
}

/** Sketches are parsed before they are stored, so a store never holds one it cannot merge later. */
export function normalizeSketchBatch(samples: readonly SketchSample[]): SketchSample[] {
  return samples.map((sample) => {
    HyperLogLog.deserialize(sample.sketch);
    return { infohash: parseInfohash(sample.infohash), atMs: checkTime(sample.atMs), sketch: Buffer.from(sample.sketch) };
  });
}

export function validateSketchRange(infohash: string, fromMs: number, toMs: number): string {
  if (!Number.isFinite(fromMs) || !Number.isFinite(toMs)) throw new SwarmscopeError('invalid_request', 'the range bounds must be finite times');
  return parseInfohash(infohash);
}

/** The DetailStore side of a series store, when it has one (both adapters and the spool do). */
export function detailStoreOf(series: SeriesStore): (SeriesStore & DetailStore) | undefined {
  const candidate = series as SeriesStore & Partial<DetailStore>;
  return typeof candidate.writeTagged === 'function' && typeof candidate.queryTagged === 'function' && typeof candidate.writeSketches === 'function' && typeof candidate.mergedSketch === 'function'
    ? (candidate as SeriesStore & DetailStore)
    : undefined;
}
