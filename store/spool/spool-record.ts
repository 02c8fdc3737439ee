/**
 * One spool record per line: `<16 hex of SHA-256 over the JSON> <JSON array of samples>\n`. JSON
 * never contains a raw newline, so a line is a record; the checksum tells a complete record from one
 * torn by a crash mid-write (or damaged on disk), which is then skipped, never half-replayed.
 */
import { createHash } from 'node:crypto';
import type { SwarmSample } from '../types.ts';

const CHECKSUM_CHARS = 16;
const NEWLINE = 0x0a;

function checksum(json: string): string {
  return createHash('sha256').update(json).digest('hex').slice(0, CHECKSUM_CHARS);
}

export function encodeRecord(samples: readonly SwarmSample[]): Buffer {
  const json = JSON.stringify(samples);
  return Buffer.from(`${checksum(json)} ${json}\n`, 'utf8');
}

/** The samples of one line (without its newline), or undefined when the line is torn or damaged. */
export function decodeRecord(line: string): SwarmSample[] | undefined {
  const json = line.slice(CHECKSUM_CHARS + 1);
  if (line[CHECKSUM_CHARS] !== ' ' || checksum(json) !== line.slice(0, CHECKSUM_CHARS)) return undefined;
  try {
    const parsed: unknown = JSON.parse(json);
    return Array.isArray(parsed) ? (parsed as SwarmSample[]) : undefined;
  } catch {
    return undefined;
  }
}

export interface ScannedLine {
  /** Byte offset just past this line's newline. */
  endOffset: number;
  samples: SwarmSample[] | undefined;
}

/**
 * The complete lines of `chunk` (which starts at byte `startOffset` of the file). Bytes after the
 * last newline are left for the next read: they are either the start of a longer line or a torn tail.
 */
export function scanLines(chunk: Buffer, startOffset: number): ScannedLine[] {
  const lines: ScannedLine[] = [];
  let lineStart = 0;
  for (let newline = chunk.indexOf(NEWLINE); newline !== -1; newline = chunk.indexOf(NEWLINE, lineStart)) {
    lines.push({ endOffset: startOffset + newline + 1, samples: decodeRecord(chunk.toString('utf8', lineStart, newline)) });
    lineStart = newline + 1;
  }
  return lines;
}
