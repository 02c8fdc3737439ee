/**
 * The `malformed` hostile behaviour: every query, whatever its method, is answered with something
 * a strict KRPC reader must reject or sanitise — the variants below in turn, so that a handful of
 * queries meets all of them. Most carry the query's transaction id, so they reach the code that
 * matched a pending query, which is where careless parsers trust the body.
 */
import { type EncodableValue, encodeBencode } from '../protocol/bencode.ts';
import { COMPACT_NODE_V4_BYTES, COMPACT_NODE_V6_BYTES, COMPACT_PEER_V4_BYTES, COMPACT_PEER_V6_BYTES, NODE_ID_BYTES } from '../protocol/compact.ts';
import type { SeededRandom } from './prng.ts';
import type { IpFamily } from './synthetic-addresses.ts';
import { TOKEN_BYTES } from './token-secrets.ts';

/** Values in a malformed reply: a plausible count, so size alone gives nothing away. */
const MALFORMED_VALUES = 10;
/** Contacts in the ragged `nodes` string, before the odd tail. */
const RAGGED_WHOLE_CONTACTS = 5;
/** A tail that is no multiple of a contact: 7 extra bytes. */
const RAGGED_TAIL_BYTES = 7;
/** Far deeper than the 64 levels a bounded decoder accepts; unterminated as well. */
const DEEP_NESTING_LEVELS = 2000;
const MAX_GARBAGE_BYTES = 300;
/** No bencode value starts with 0xff, so garbage is never accidentally valid. */
const NOT_BENCODE_BYTE = 0xff;

export const MALFORMED_VARIANTS = [
  'garbage',
  'truncated',
  'values-string',
  'ragged-nodes',
  'short-id',
  'values-wrong-types',
  'body-not-dict',
  'deep-nesting',
  'bad-integer',
  'missing-body',
] as const;

export type MalformedVariant = (typeof MALFORMED_VARIANTS)[number];

interface Parts {
  transactionId: Buffer;
  nodeId: Buffer;
  family: IpFamily;
  random: SeededRandom;
}

function peerBytes(family: IpFamily): number {
  return family === 4 ? COMPACT_PEER_V4_BYTES : COMPACT_PEER_V6_BYTES;
}

function reply(parts: Parts, body: EncodableValue | undefined): Buffer {
  return encodeBencode({ t: parts.transactionId, y: 'r', r: body });
}

/** What a well-formed get_peers answer would look like: the base of several variants. */
function plausibleBody(parts: Parts): Record<string, EncodableValue> {
  const values = Array.from({ length: MALFORMED_VALUES }, () => parts.random.bytes(peerBytes(parts.family)));
  return { id: parts.nodeId, token: parts.random.bytes(TOKEN_BYTES), values };
}

function raw(...pieces: (string | Buffer)[]): Buffer {
  return Buffer.concat(pieces.map((piece) => (typeof piece === 'string' ? Buffer.from(piece, 'latin1') : piece)));
}

const BUILDERS: Record<MalformedVariant, (parts: Parts) => Buffer> = {
  garbage: ({ random }) => {
    const bytes = random.bytes(random.nextInt(1, MAX_GARBAGE_BYTES));
    bytes[0] = NOT_BENCODE_BYTE;
    return bytes;
  },
  truncated: (parts) => {
    const whole = reply(parts, plausibleBody(parts));
    return whole.subarray(0, parts.random.nextInt(1, whole.length - 2));
  },
  'values-string': (parts) => reply(parts, { ...plausibleBody(parts), values: parts.random.bytes(MALFORMED_VALUES * peerBytes(parts.family)) }),
  'ragged-nodes': (parts) => {
    const contactBytes = parts.family === 4 ? COMPACT_NODE_V4_BYTES : COMPACT_NODE_V6_BYTES;
    const nodes = parts.random.bytes(RAGGED_WHOLE_CONTACTS * contactBytes + RAGGED_TAIL_BYTES);
    return reply(parts, { id: parts.nodeId, token: parts.random.bytes(TOKEN_BYTES), [parts.family === 4 ? 'nodes' : 'nodes6']: nodes });
  },
  'short-id': (parts) => reply(parts, { ...plausibleBody(parts), id: parts.nodeId.subarray(0, NODE_ID_BYTES - 1) }),
  'values-wrong-types': (parts) =>
    reply(parts, { ...plausibleBody(parts), values: [42, parts.random.bytes(5), parts.random.bytes(7), ['nested'], { not: 'a peer' }] }),
  'body-not-dict': (parts) => reply(parts, 'oops'),
  'deep-nesting': (parts) => raw('d1:rd2:id20:', parts.nodeId, '6:values', 'l'.repeat(DEEP_NESTING_LEVELS)),
  'bad-integer': (parts) => raw('d1:rd2:id20:', parts.nodeId, '4:porti03ee1:t', `${parts.transactionId.length}:`, parts.transactionId, '1:y1:re'),
  'missing-body': (parts) => encodeBencode({ t: parts.transactionId, y: 'r' }),
};

/** Variant number `turn` (cycling through all of them) for one query. */
export function malformedReply(turn: number, parts: Parts): { variant: MalformedVariant; datagram: Buffer } {
  const variant = MALFORMED_VARIANTS[turn % MALFORMED_VARIANTS.length]!;
  return { variant, datagram: BUILDERS[variant](parts) };
}
