/**
 * The discovery crawler's passive side: a DHT node that is not read-only (no BEP 43 `ro`), so other
 * nodes put it in their routing tables and, as their lookups pass by, ask it `get_peers` and
 * `announce_peer` for infohashes it never heard of. Each such infohash is a candidate. The node
 * answers as an honest BEP 5 node that happens to store nothing: `get_peers` gets a token and the
 * closest contacts it knows, `announce_peer` is acknowledged when its token is valid (and nothing is
 * stored: swarmscope serves no peers), `find_node` gets contacts, `sample_infohashes` (BEP 51) an
 * empty sample. The querier's address is used to build the token and is then forgotten (DESIGN §9).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import net from 'node:net';
import { isBytes } from '../../protocol/bencode.ts';
import { NODE_ID_BYTES, type NodeContact, encodeCompactNodes } from '../../protocol/compact.ts';
import { type KrpcQuery, encodeErrorReply, encodeResponse } from '../../protocol/krpc.ts';
import type { KrpcTarget } from '../dht/krpc-socket.ts';
import { MAX_SAMPLE_INTERVAL_SEC } from './sample-infohashes.ts';

/** BEP 5: "a secret that changes every five minutes and tokens up to ten minutes old are accepted". */
export const TOKEN_SECRET_ROTATION_MS = 5 * 60_000;
const TOKEN_BYTES = 8;
/** BEP 5: K = 8 contacts per reply. */
const CONTACTS_PER_REPLY = 8;

export type PassiveQueryKind = 'get_peers' | 'announce_peer';

export interface PassiveNodeOptions {
  nodeId: Buffer;
  /** The closest contacts this node knows of one family (for `nodes`/`nodes6`). */
  closestContacts(target: Buffer, family: 4 | 6, count: number): NodeContact[];
  /** Called for each infohash another node asked about; never given the querier's address. */
  onInfohash(infohash: string, how: PassiveQueryKind): void;
  nowMs?: () => number;
}

export interface PassiveCounters {
  queriesAnswered: number;
  getPeers: number;
  announces: number;
  badTokens: number;
  malformed: number;
}

export class PassiveNode {
  readonly counters: PassiveCounters = { queriesAnswered: 0, getPeers: 0, announces: 0, badTokens: 0, malformed: 0 };
  private currentSecret = randomBytes(16);
  private previousSecret = this.currentSecret;
  private rotatedAtMs: number;
  private readonly nowMs: () => number;

  constructor(private readonly options: PassiveNodeOptions) {
    this.nowMs = options.nowMs ?? Date.now;
    this.rotatedAtMs = this.nowMs();
  }

  /** The KrpcSocket `answerQuery` hook. */
  answer(query: KrpcQuery, remote: KrpcTarget): Buffer | undefined {
    this.rotateSecretIfDue();
    const family: 4 | 6 = net.isIPv6(remote.host) ? 6 : 4;
    const { nodeId } = this.options;
    const id20 = (key: string): Buffer | undefined => {
      const value = query.args[key];
      return isBytes(value) && value.length === NODE_ID_BYTES ? value : undefined;
    };
    const contacts = (target: Buffer): Record<string, Buffer> => {
      const closest = this.options.closestContacts(target, family, CONTACTS_PER_REPLY);
      return closest.length > 0 ? { [family === 4 ? 'nodes' : 'nodes6']: encodeCompactNodes(closest) } : {};
    };
    const malformed = (message: string): Buffer => {
      this.counters.malformed++;
      return encodeErrorReply(query.transactionId, 203, message);
    };
    this.counters.queriesAnswered++;
    switch (query.method) {
      case 'ping':
        return encodeResponse(query.transactionId, { id: nodeId });
      case 'find_node': {
        const target = id20('target');
        return target ? encodeResponse(query.transactionId, { id: nodeId, ...contacts(target) }) : malformed('find_node needs a 20-byte "target"');
      }
      case 'get_peers': {
        const infohash = id20('info_hash');
        if (!infohash) return malformed('get_peers needs a 20-byte "info_hash"');
        this.counters.getPeers++;
        this.options.onInfohash(infohash.toString('hex'), 'get_peers');
        return encodeResponse(query.transactionId, { id: nodeId, token: this.tokenFor(remote.host, this.currentSecret), ...contacts(infohash) });
      }
      case 'announce_peer': {
        const infohash = id20('info_hash');
        if (!infohash) return malformed('announce_peer needs a 20-byte "info_hash"');
        const token = query.args.token;
        // An announce without a token we issued is not evidence of a swarm: anyone can send one.
        if (!isBytes(token) || !this.isValidToken(token, remote.host)) {
          this.counters.badTokens++;
          return encodeErrorReply(query.transactionId, 203, 'invalid token');
        }
        this.counters.announces++;
        this.options.onInfohash(infohash.toString('hex'), 'announce_peer');
        return encodeResponse(query.transactionId, { id: nodeId });
      }
      case 'sample_infohashes': {
        const target = id20('target');
        if (!target) return malformed('sample_infohashes needs a 20-byte "target"');
        return encodeResponse(query.transactionId, { id: nodeId, interval: MAX_SAMPLE_INTERVAL_SEC, num: 0, samples: Buffer.alloc(0), ...contacts(target) });
      }
      default:
        return encodeErrorReply(query.transactionId, 204, 'Method Unknown');
    }
  }

  private rotateSecretIfDue(): void {
    if (this.nowMs() - this.rotatedAtMs < TOKEN_SECRET_ROTATION_MS) return;
    this.rotatedAtMs = this.nowMs();
    this.previousSecret = this.currentSecret;
    this.currentSecret = randomBytes(16);
  }

  private tokenFor(ip: string, secret: Buffer): Buffer {
    return createHash('sha1').update(ip, 'latin1').update(secret).digest().subarray(0, TOKEN_BYTES);
  }

  private isValidToken(token: Buffer, ip: string): boolean {
    if (token.length !== TOKEN_BYTES) return false;
    return timingSafeEqual(token, this.tokenFor(ip, this.currentSecret)) || timingSafeEqual(token, this.tokenFor(ip, this.previousSecret));
  }
}
