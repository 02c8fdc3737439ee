/**
 * Bencode (BEP 3), strict and bounded. Written here rather than taken from the `bencode` package
 * because hostile DHT nodes and .torrent files feed this decoder: it must reject (not repair)
 * malformed input, cap nesting depth so a crafted `llll…` cannot exhaust the stack, and report the
 * byte span of a value so the infohash can be computed over the exact `info` bytes (BEP 3).
 */
import { SwarmscopeError } from '../core/errors.ts';

export type BencodeValue = number | Buffer | BencodeValue[] | BencodeDict;
export interface BencodeDict {
  [key: string]: BencodeValue;
}

/** Deeper than any real KRPC message or .torrent needs; a guard against stack exhaustion. */
export const MAX_BENCODE_DEPTH = 64;

const CHAR_I = 0x69;
const CHAR_L = 0x6c;
const CHAR_D = 0x64;
const CHAR_E = 0x65;
const CHAR_COLON = 0x3a;
const CHAR_MINUS = 0x2d;
const CHAR_0 = 0x30;
const CHAR_9 = 0x39;

export interface DecodeOptions {
  /** Record the byte span [start, end) of the value stored under this top-level key. */
  spanOfKey?: string;
}

export interface DecodeResult {
  value: BencodeValue;
  span?: { start: number; end: number };
}

class Decoder {
  position = 0;
  span?: { start: number; end: number };

  constructor(
    private readonly data: Buffer,
    private readonly spanOfKey?: string,
  ) {}

  fail(what: string): never {
    throw new SwarmscopeError('invalid_bencode', `invalid bencode at byte ${this.position}: ${what}`);
  }

  value(depth: number): BencodeValue {
    if (depth > MAX_BENCODE_DEPTH) this.fail(`nesting deeper than ${MAX_BENCODE_DEPTH}`);
    const byte = this.data[this.position];
    if (byte === undefined) this.fail('unexpected end of data');
    if (byte === CHAR_I) return this.integer();
    if (byte === CHAR_L) return this.list(depth);
    if (byte === CHAR_D) return this.dict(depth);
    if (byte >= CHAR_0 && byte <= CHAR_9) return this.bytes();
    return this.fail(`unexpected byte 0x${byte.toString(16)}`);
  }

  integer(): number {
    const end = this.data.indexOf(CHAR_E, this.position + 1);
    if (end < 0) this.fail('unterminated integer');
    const text = this.data.toString('latin1', this.position + 1, end);
    // BEP 3: no leading zeros, no negative zero, digits only.
    if (!/^(0|-?[1-9][0-9]*)$/.test(text)) this.fail(`bad integer "${text.slice(0, 20)}"`);
    const value = Number(text);
    if (!Number.isSafeInteger(value)) this.fail('integer out of range');
    this.position = end + 1;
    return value;
  }

  bytes(): Buffer {
    const colon = this.data.indexOf(CHAR_COLON, this.position);
    if (colon < 0 || colon - this.position > 10) this.fail('bad string length');
    const text = this.data.toString('latin1', this.position, colon);
    if (!/^(0|[1-9][0-9]*)$/.test(text)) this.fail(`bad string length "${text}"`);
    const length = Number(text);
    const start = colon + 1;
    if (start + length > this.data.length) this.fail('string runs past the end of data');
    this.position = start + length;
    return this.data.subarray(start, start + length);
  }

  list(depth: number): BencodeValue[] {
    this.position++;
    const items: BencodeValue[] = [];
    while (this.data[this.position] !== CHAR_E) {
      if (this.position >= this.data.length) this.fail('unterminated list');
      items.push(this.value(depth + 1));
    }
    this.position++;
    return items;
  }

  dict(depth: number): BencodeDict {
    this.position++;
    const dict: BencodeDict = Object.create(null);
    while (this.data[this.position] !== CHAR_E) {
      if (this.position >= this.data.length) this.fail('unterminated dictionary');
      const first = this.data[this.position]!;
      if (first < CHAR_0 || first > CHAR_9) this.fail('dictionary key is not a string');
      // BEP 3 asks for sorted keys, but real clients send unsorted ones; the infohash is taken over
      // the raw bytes, so accepting them is harmless. A duplicated key is ambiguous: reject it.
      const key = this.bytes().toString('latin1');
      if (key in dict) this.fail(`duplicated dictionary key "${key.slice(0, 40)}"`);
      const valueStart = this.position;
      dict[key] = this.value(depth + 1);
      if (depth === 0 && key === this.spanOfKey) this.span = { start: valueStart, end: this.position };
    }
    this.position++;
    return dict;
  }
}

/** Decodes exactly one value that must fill `data`; throws `invalid_bencode` otherwise. */
export function decodeBencode(data: Buffer, options: DecodeOptions = {}): DecodeResult {
  if (data.length === 0) throw new SwarmscopeError('invalid_bencode', 'invalid bencode: empty input');
  const decoder = new Decoder(data, options.spanOfKey);
  const value = decoder.value(0);
  if (decoder.position !== data.length) decoder.fail('trailing bytes after the value');
  return decoder.span ? { value, span: decoder.span } : { value };
}

/**
 * Decodes the one value at the start of `data` and returns where it ends; bytes after it are left
 * alone (a ut_metadata piece follows its dictionary, BEP 9). Throws `invalid_bencode` as decodeBencode.
 */
export function decodeBencodePrefix(data: Buffer): { value: BencodeValue; end: number } {
  if (data.length === 0) throw new SwarmscopeError('invalid_bencode', 'invalid bencode: empty input');
  const decoder = new Decoder(data, undefined);
  const value = decoder.value(0);
  return { value, end: decoder.position };
}

export type EncodableValue = number | string | Buffer | Uint8Array | EncodableValue[] | { [key: string]: EncodableValue | undefined };

/** Encodes with keys sorted as raw bytes (BEP 3). `undefined` dictionary values are skipped. */
export function encodeBencode(value: EncodableValue): Buffer {
  const chunks: Buffer[] = [];
  write(value, chunks);
  return Buffer.concat(chunks);
}

function write(value: EncodableValue, chunks: Buffer[]): void {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new TypeError(`bencode integers must be safe integers, got ${value}`);
    chunks.push(Buffer.from(`i${value}e`, 'latin1'));
  } else if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    chunks.push(Buffer.from(`${bytes.length}:`, 'latin1'), bytes);
  } else if (value instanceof Uint8Array) {
    chunks.push(Buffer.from(`${value.length}:`, 'latin1'), Buffer.from(value.buffer, value.byteOffset, value.length));
  } else if (Array.isArray(value)) {
    chunks.push(Buffer.from('l'));
    for (const item of value) write(item, chunks);
    chunks.push(Buffer.from('e'));
  } else {
    chunks.push(Buffer.from('d'));
    const keys = Object.keys(value).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    for (const key of keys) {
      const item = value[key];
      if (item === undefined) continue;
      write(key, chunks);
      write(item, chunks);
    }
    chunks.push(Buffer.from('e'));
  }
}

/** Narrowing helpers for decoded values. */
export function isDict(value: BencodeValue | undefined): value is BencodeDict {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);
}

export function isBytes(value: BencodeValue | undefined): value is Buffer {
  return Buffer.isBuffer(value);
}
