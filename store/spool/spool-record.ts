/**
 * One spool record per line: `<16 hex of SHA-256 over the JSON> <JSON>\n`, the JSON being an array
 * of swarm samples (the first format, still read) or `{"samples", "tagged", "sketches"}` (issue 14:
 * the tagged series and the peer sketches of a sweep are spooled too, sketches as base64). JSON
 * never contains a raw newline, so a line is a record; the checksum tells a complete record from one
 * torn by a crash mid-write (or damaged on disk), which is then skipped, never half-replayed.
 */
import { createHash } from 'node:crypto';
import type { SketchSample, SwarmSample, TaggedSample } from '../types.ts';

/** What one sweep writes: any of the three kinds may be empty. */
export interface SpoolBatch {
  samples: SwarmSample[];
  tagged: TaggedSample[];
  sketches: SketchSample[];
}

export function batchSize(batch: SpoolBatch): number {
  return batch.samples.length + batch.tagged.length + batch.sketches.length;
}

export function emptyBatch(): SpoolBatch {
  return { samples: [], tagged: [], sketches: [] };
}

const CHECKSUM_CHARS = 16;
const NEWLINE = 0x0a;

function checksum(json: string): string {
  return createHash('sha256').update(json).digest('hex').slice(0, CHECKSUM_CHARS);
}

export function encodeRecord(batch: SpoolBatch | readonly SwarmSample[]): Buffer {
  const full: SpoolBatch = Array.isArray(batch) ? { ...emptyBatch(), samples: [...batch] } : (batch as SpoolBatch);
  const json =
    full.tagged.length === 0 && full.sketches.length === 0
      ? JSON.stringify(full.samples)
      : JSON.stringify({ samples: full.samples, tagged: full.tagged, sketches: full.sketches.map((sketch) => ({ ...sketch, sketch: sketch.sketch.toString('base64') })) });
  return Buffer.from(`${checksum(json)} ${json}\n`, 'utf8');
}

/** The batch of one line (without its newline), or undefined when the line is torn or damaged. */
export function decodeRecord(line: string): SpoolBatch | undefined {
  const json = line.slice(CHECKSUM_CHARS + 1);
  if (line[CHECKSUM_CHARS] !== ' ' || checksum(json) !== line.slice(0, CHECKSUM_CHARS)) return undefined;
  try {
    const parsed: unknown = JSON.parse(json);
    if (Array.isArray(parsed)) return { ...emptyBatch(), samples: parsed as SwarmSample[] };
    const record = parsed as { samples?: unknown; tagged?: unknown; sketches?: unknown };
    if (!Array.isArray(record.samples) || !Array.isArray(record.tagged) || !Array.isArray(record.sketches)) return undefined;
    return {
      samples: record.samples as SwarmSample[],
      tagged: record.tagged as TaggedSample[],
      sketches: (record.sketches as { infohash: string; atMs: number; sketch: string }[]).map((sketch) => ({ ...sketch, sketch: Buffer.from(sketch.sketch, 'base64') })),
    };
  } catch {
    return undefined;
  }
}

export interface ScannedLine {
  /** Byte offset just past this line's newline. */
  endOffset: number;
  batch: SpoolBatch | undefined;
}

/**
 * The complete lines of `chunk` (which starts at byte `startOffset` of the file). Bytes after the
 * last newline are left for the next read: they are either the start of a longer line or a torn tail.
 */
export function scanLines(chunk: Buffer, startOffset: number): ScannedLine[] {
  const lines: ScannedLine[] = [];
  let lineStart = 0;
  for (let newline = chunk.indexOf(NEWLINE); newline !== -1; newline = chunk.indexOf(NEWLINE, lineStart)) {
    lines.push({ endOffset: startOffset + newline + 1, batch: decodeRecord(chunk.toString('utf8', lineStart, newline)) });
    lineStart = newline + 1;
  }
  return lines;
}
