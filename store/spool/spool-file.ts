/**
 * The spool on disk: an append-only file of checksummed records (spool-record.ts) and a small
 * `.offset` file saying how far replay has got. Every append is fsync'ed before it returns, so a
 * sample the collector was told is spooled survives a crash. Replay commits its offset after the
 * store took the records; a crash between the two replays them again, which is harmless because
 * writes are idempotent. When everything is replayed the file is emptied.
 *
 * The I/O is synchronous on purpose: an append is one small write per sweep, and doing it in one
 * tick means an append, a replay step and the final truncation can never interleave.
 */
import { closeSync, fstatSync, fsyncSync, ftruncateSync, openSync, readFileSync, readSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { batchSize, emptyBatch, encodeRecord, scanLines, type SpoolBatch } from './spool-record.ts';

const READ_CHUNK_BYTES = 4 * 1024 * 1024;

export interface PendingRecords extends SpoolBatch {
  /** Where replay resumes once these are in the store. */
  endOffset: number;
}

export interface SpoolScan {
  records: number;
  /** Damaged records skipped (a torn last write is one). */
  damaged: number;
}

export class SpoolFile {
  private readonly fd: number;
  private offset: number;
  private size: number;
  private pendingRecords = 0;

  private constructor(private readonly path: string) {
    this.fd = openSync(path, 'a+');
    this.size = fstatSync(this.fd).size;
    this.offset = Math.min(readOffset(`${path}.offset`), this.size);
  }

  /** Opens the spool, counting what is left to replay and cutting off a torn last record. */
  static open(path: string): { file: SpoolFile; scan: SpoolScan } {
    const file = new SpoolFile(path);
    return { file, scan: file.recover() };
  }

  get pendingBytes(): number {
    return this.size - this.offset;
  }

  get records(): number {
    return this.pendingRecords;
  }

  get totalBytes(): number {
    return this.size;
  }

  /** Appends one record (one batch) and fsyncs. Returns its size in bytes. */
  append(batch: SpoolBatch): number {
    const record = encodeRecord(batch);
    writeAll(this.fd, record);
    fsyncSync(this.fd);
    this.size += record.length;
    this.pendingRecords += 1;
    return record.length;
  }

  /** The oldest records not yet replayed, up to about `maxItems` samples, tagged samples and sketches (at least one record). */
  readPending(maxItems: number): PendingRecords & { damaged: number; records: number } {
    const pending: SpoolBatch = emptyBatch();
    let endOffset = this.offset;
    let damaged = 0;
    let records = 0;
    while (endOffset < this.size && batchSize(pending) < maxItems) {
      const lines = this.linesFrom(endOffset);
      if (lines.length === 0) break;
      for (const line of lines) {
        if (batchSize(pending) >= maxItems) break;
        endOffset = line.endOffset;
        records += 1;
        if (!line.batch) {
          damaged += 1;
          continue;
        }
        pending.samples.push(...line.batch.samples);
        pending.tagged.push(...line.batch.tagged);
        pending.sketches.push(...line.batch.sketches);
      }
    }
    return { ...pending, endOffset, damaged, records };
  }

  /** Marks records as replayed; empties the file once nothing is left. */
  commit(endOffset: number, records: number): void {
    this.offset = endOffset;
    this.pendingRecords = Math.max(0, this.pendingRecords - records);
    if (this.offset < this.size) {
      writeOffset(`${this.path}.offset`, this.offset);
      return;
    }
    // Offset first, then truncate: a crash in between leaves offset 0 on a full file, which only
    // replays records again (idempotent); the other order could skip records appended later.
    writeOffset(`${this.path}.offset`, 0);
    ftruncateSync(this.fd, 0);
    fsyncSync(this.fd);
    this.offset = 0;
    this.size = 0;
    this.pendingRecords = 0;
  }

  close(): void {
    closeSync(this.fd);
  }

  /** The complete lines from `position`, reading more than one chunk when a single record is larger. */
  private linesFrom(position: number): ReturnType<typeof scanLines> {
    for (let length = READ_CHUNK_BYTES; ; length *= 2) {
      const available = this.size - position;
      const lines = scanLines(this.read(position, Math.min(length, available)), position);
      if (lines.length > 0 || length >= available) return lines;
    }
  }

  private read(position: number, length: number): Buffer {
    const buffer = Buffer.alloc(length);
    let filled = 0;
    while (filled < length) {
      const bytes = readSync(this.fd, buffer, filled, length - filled, position + filled);
      if (bytes === 0) break;
      filled += bytes;
    }
    return buffer.subarray(0, filled);
  }

  private recover(): SpoolScan {
    let position = this.offset;
    let records = 0;
    let damaged = 0;
    while (position < this.size) {
      const lines = this.linesFrom(position);
      if (lines.length === 0) break;
      for (const line of lines) {
        records += 1;
        if (!line.batch) damaged += 1;
        position = line.endOffset;
      }
    }
    if (position < this.size) {
      // Bytes after the last newline: a record torn by a crash mid-append. Cut them off so the next
      // append starts on a line of its own.
      ftruncateSync(this.fd, position);
      fsyncSync(this.fd);
      this.size = position;
      damaged += 1;
    }
    this.pendingRecords = records;
    return { records, damaged };
  }
}

function writeAll(fd: number, buffer: Buffer): void {
  let written = 0;
  while (written < buffer.length) written += writeSync(fd, buffer, written, buffer.length - written);
}

function readOffset(path: string): number {
  try {
    const value = Number.parseInt(readFileSync(path, 'utf8'), 10);
    return Number.isSafeInteger(value) && value >= 0 ? value : 0;
  } catch {
    return 0;
  }
}

/** Write, fsync, rename: the offset file is always either the old or the new value. */
function writeOffset(path: string, offset: number): void {
  const temporary = `${path}.tmp`;
  writeFileSync(temporary, `${offset}\n`, { flush: true });
  renameSync(temporary, path);
}
