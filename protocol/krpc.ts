/**
 * KRPC messages of the Mainline DHT (BEP 5), with the IPv6 extension (BEP 32: `nodes6`, `want`)
 * and the scrape flag of BEP 33. Parsing is strict about types and lenient about unknown keys, as
 * BEP 5 asks; anything malformed raises `invalid_krpc` so callers can count and drop it.
 */
import { SwarmscopeError } from '../core/errors.ts';
import { type BencodeDict, type BencodeValue, decodeBencode, encodeBencode, isBytes, isDict } from './bencode.ts';
import { NODE_ID_BYTES } from './compact.ts';

/** A UDP datagram larger than this is not a KRPC message any real node sends. */
export const MAX_KRPC_DATAGRAM_BYTES = 8192;

/** BEP 5's four queries, and BEP 51's `sample_infohashes`. */
export type KrpcQueryName = 'ping' | 'find_node' | 'get_peers' | 'announce_peer' | 'sample_infohashes';

export interface KrpcQuery {
  kind: 'query';
  transactionId: Buffer;
  method: string;
  senderId: Buffer;
  args: BencodeDict;
}

export interface KrpcResponse {
  kind: 'response';
  transactionId: Buffer;
  senderId: Buffer;
  body: BencodeDict;
}

export interface KrpcErrorReply {
  kind: 'error';
  transactionId: Buffer;
  errorCode: number;
  errorMessage: string;
}

export type KrpcMessage = KrpcQuery | KrpcResponse | KrpcErrorReply;

function invalid(reason: string): never {
  throw new SwarmscopeError('invalid_krpc', `invalid KRPC message: ${reason}`);
}

function nodeId(value: BencodeValue | undefined, where: string): Buffer {
  if (!isBytes(value) || value.length !== NODE_ID_BYTES) invalid(`${where} must be a ${NODE_ID_BYTES}-byte node id`);
  return value;
}

export function parseKrpcMessage(datagram: Buffer): KrpcMessage {
  if (datagram.length > MAX_KRPC_DATAGRAM_BYTES) invalid(`datagram of ${datagram.length} bytes is too large`);
  const { value } = decodeBencode(datagram);
  if (!isDict(value)) invalid('top level is not a dictionary');
  const transactionId = value.t;
  if (!isBytes(transactionId) || transactionId.length === 0 || transactionId.length > 32) invalid('missing or bad transaction id "t"');
  const type = value.y;
  if (!isBytes(type)) invalid('missing message type "y"');
  switch (type.toString('latin1')) {
    case 'q': {
      const method = value.q;
      const args = value.a;
      if (!isBytes(method)) invalid('query without method "q"');
      if (!isDict(args)) invalid('query without arguments "a"');
      return { kind: 'query', transactionId, method: method.toString('latin1'), senderId: nodeId(args.id, 'a.id'), args };
    }
    case 'r': {
      const body = value.r;
      if (!isDict(body)) invalid('response without body "r"');
      return { kind: 'response', transactionId, senderId: nodeId(body.id, 'r.id'), body };
    }
    case 'e': {
      const error = value.e;
      if (!Array.isArray(error)) invalid('error reply without list "e"');
      const [code, message] = error;
      return {
        kind: 'error',
        transactionId,
        errorCode: typeof code === 'number' ? code : 0,
        errorMessage: isBytes(message) ? message.toString('utf8').slice(0, 200) : '',
      };
    }
    default:
      return invalid(`unknown message type "${type.toString('latin1').slice(0, 8)}"`);
  }
}

export function encodeQuery(transactionId: Buffer, method: KrpcQueryName, args: Record<string, Buffer | number | Buffer[] | string[] | undefined>): Buffer {
  return encodeBencode({ t: transactionId, y: 'q', q: method, a: args });
}

export function encodeResponse(transactionId: Buffer, body: Record<string, Buffer | number | Buffer[] | undefined>): Buffer {
  return encodeBencode({ t: transactionId, y: 'r', r: body });
}

/** BEP 5 error codes: 201 generic, 202 server, 203 protocol, 204 method unknown. */
export function encodeErrorReply(transactionId: Buffer, code: 201 | 202 | 203 | 204, message: string): Buffer {
  return encodeBencode({ t: transactionId, y: 'e', e: [code, message] });
}

/** The `values` list of a get_peers response: each entry a compact peer (6 or 18 bytes). */
export function readValues(body: BencodeDict): Buffer[] {
  const values = body.values;
  if (values === undefined) return [];
  if (!Array.isArray(values)) invalid('"values" is not a list');
  return values.filter(isBytes);
}

export function readBytes(dict: BencodeDict, key: string): Buffer | undefined {
  const value = dict[key];
  return isBytes(value) ? value : undefined;
}
