/**
 * One HTTP request to a mirror, to an address the outbound guard approved (pinned: a DNS answer that
 * changed since the check cannot send it elsewhere), with hard limits, because a mirror is a
 * stranger's server: a total deadline (connect, TLS, headers and body), a header size limit (a
 * server sending megabytes of headers is cut off by the parser), and a byte cap on the body — past
 * it the download is aborted, so a server that ignores Range or streams forever costs at most the
 * cap. Bodies are only held in memory for hashing by the caller, never stored. No redirects here:
 * follow-redirects.ts checks every hop with the guard.
 */
import http from 'node:http';
import https from 'node:https';
import { performance } from 'node:perf_hooks';
import { pinnedLookup, type CheckedTarget } from '../../core/outbound-guard.ts';
import type { MirrorErrorKind, RedirectHop } from '../../store/mirror-check.ts';
import { monotonicMs } from '../../core/clock.ts';

const USER_AGENT = 'swarmscope-mirror-check/0.1 (+https://github.com/swarmscope)';

export class MirrorRequestError extends Error {
  /** Redirects followed before the failure, filled in by follow-redirects.ts. */
  redirects: RedirectHop[] = [];

  constructor(
    readonly kind: MirrorErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'MirrorRequestError';
  }
}

export interface HopRequest {
  method: 'HEAD' | 'GET';
  /** Inclusive byte range, sent as `Range: bytes=start-end`. */
  range?: { start: number; end: number };
  /** Body bytes kept at most; more aborts the download (`overflowed`). 0 for HEAD. */
  maxBodyBytes: number;
  /** Absolute deadline on the monotonic clock (core/clock.ts) for the whole exchange. */
  deadlineMs: number;
  maxHeaderBytes: number;
}

export interface HopResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** Request start to response headers: connect, TLS and the server's think time. */
  latencyMs: number;
  /** Only for GET answers 200/206; at most maxBodyBytes. */
  body: Buffer;
  /** The server sent more than maxBodyBytes (the rest was not read). */
  overflowed: boolean;
}

/** Certificate and handshake failures (OpenSSL and Node codes): reported as TLS, not as "down". */
const TLS_CODES = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REVOKED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'HOSTNAME_MISMATCH',
  'EPROTO',
]);

export function classifyNetworkError(error: NodeJS.ErrnoException, https: boolean): MirrorRequestError {
  const code = error.code ?? '';
  const detail = code ? `${code}: ${error.message}` : error.message;
  if (code === 'HPE_HEADER_OVERFLOW') return new MirrorRequestError('header_overflow', `the response headers are too large (${detail})`);
  if (code.startsWith('HPE_')) return new MirrorRequestError('protocol', `malformed HTTP response (${detail})`);
  if (TLS_CODES.has(code) || code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_') || (https && /ssl|tls|certificate/i.test(error.message))) {
    return new MirrorRequestError('tls', `TLS failure: ${detail}`);
  }
  return new MirrorRequestError('connect', detail);
}

export function requestHop(target: CheckedTarget, hop: HopRequest): Promise<HopResponse> {
  const isHttps = target.url.protocol === 'https:';
  const transport = isHttps ? https : http;
  const headers: Record<string, string> = { 'user-agent': USER_AGENT, 'accept-encoding': 'identity', accept: '*/*' };
  if (hop.range) headers.range = `bytes=${hop.range.start}-${hop.range.end}`;
  return new Promise((resolve, reject) => {
    const startedAt = performance.now();
    let settled = false;
    const finish = (error: MirrorRequestError | undefined, response?: HopResponse): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.destroy();
      if (error) reject(error);
      else resolve(response!);
    };
    const request = transport.request(
      target.url,
      {
        method: hop.method,
        lookup: pinnedLookup(target),
        // A fresh connection per request: a pooled socket could outlive the address check.
        agent: false,
        headers,
        maxHeaderSize: hop.maxHeaderBytes,
      },
      (response) => {
        const status = response.statusCode ?? 0;
        const base = { status, headers: response.headers, latencyMs: Math.round(performance.now() - startedAt) };
        if (hop.method === 'HEAD' || (status !== 200 && status !== 206) || hop.maxBodyBytes === 0) {
          finish(undefined, { ...base, body: Buffer.alloc(0), overflowed: false });
          return;
        }
        const chunks: Buffer[] = [];
        let kept = 0;
        response.on('data', (chunk: Buffer) => {
          const room = hop.maxBodyBytes - kept;
          chunks.push(chunk.length > room ? chunk.subarray(0, room) : chunk);
          kept += Math.min(room, chunk.length);
          // The cap is hard: one byte past it and the connection is closed, whatever else is coming.
          if (chunk.length > room) finish(undefined, { ...base, body: Buffer.concat(chunks), overflowed: true });
        });
        response.on('end', () => finish(undefined, { ...base, body: Buffer.concat(chunks), overflowed: false }));
        response.on('error', (error: NodeJS.ErrnoException) => finish(classifyNetworkError(error, isHttps)));
        response.on('aborted', () => finish(new MirrorRequestError('connect', `the connection closed after ${kept} bytes of the body`)));
      },
    );
    const budgetMs = Math.max(0, Math.round(hop.deadlineMs - monotonicMs()));
    const timer = setTimeout(() => finish(new MirrorRequestError('timeout', `no complete answer within ${budgetMs} ms`)), budgetMs);
    request.on('error', (error: NodeJS.ErrnoException) => finish(classifyNetworkError(error, isHttps)));
    request.end();
  });
}
