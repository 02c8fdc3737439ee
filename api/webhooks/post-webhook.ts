/**
 * One delivery attempt: a POST to the address the outbound guard approved (pinned, so a DNS answer
 * that changed since the check cannot redirect it), with one deadline covering connect, request
 * and response. Redirects are not followed: a 3xx is a failed attempt like any non-2xx.
 */
import http from 'node:http';
import https from 'node:https';
import { describeError } from '../../core/errors.ts';
import { pinnedLookup, type CheckedTarget } from '../../core/outbound-guard.ts';

export interface AttemptResult {
  /** The HTTP status, or null when no response came (refused, reset, timeout). */
  status: number | null;
  retryAfter?: string;
  error?: string;
}

/** Enough of a receiver's error page to say what went wrong, without keeping what it sends. */
const MAX_ERROR_BODY_BYTES = 512;
const USER_AGENT = 'swarmscope-webhooks/0.1 (+https://www.standardwebhooks.com)';

export function postWebhook(target: CheckedTarget, headers: Record<string, string>, body: string, timeoutMs: number): Promise<AttemptResult> {
  const payload = Buffer.from(body, 'utf8');
  const transport = target.url.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    let settled = false;
    let answered: AttemptResult | undefined;
    const settle = (result: AttemptResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const request = transport.request(
      target.url,
      {
        method: 'POST',
        lookup: pinnedLookup(target),
        // A fresh connection per attempt: a pooled socket could outlive the address check.
        agent: false,
        headers: {
          ...headers,
          'content-type': 'application/json',
          'content-length': String(payload.length),
          'user-agent': USER_AGENT,
        },
      },
      (response) => {
        const status = response.statusCode ?? 0;
        const retryAfter = response.headers['retry-after'];
        if (status >= 200 && status < 300) {
          // The status is the acknowledgement; the body does not matter and must not hold the attempt open.
          settle({ status, retryAfter });
          response.destroy();
          return;
        }
        answered = { status, retryAfter };
        const chunks: Buffer[] = [];
        let kept = 0;
        response.on('data', (chunk: Buffer) => {
          if (kept < MAX_ERROR_BODY_BYTES) chunks.push(chunk.subarray(0, MAX_ERROR_BODY_BYTES - kept));
          kept += chunk.length;
        });
        const finish = (): void => {
          const snippet = Buffer.concat(chunks).toString('utf8').replace(/\s+/g, ' ').trim();
          settle({ status, retryAfter, error: `HTTP ${status}${snippet ? `: ${snippet}` : ''}` });
        };
        response.on('end', finish);
        response.on('error', finish);
      },
    );
    const timer = setTimeout(() => {
      // A status that arrived before the deadline still counts; only its error body is cut short.
      settle(answered ? { ...answered, error: `HTTP ${answered.status} (body cut off after ${timeoutMs} ms)` } : { status: null, error: `no answer within ${timeoutMs} ms` });
      request.destroy();
    }, timeoutMs);
    request.on('error', (error: NodeJS.ErrnoException) => settle({ status: null, error: error.code ? `${error.code}: ${error.message}` : describeError(error) }));
    request.end(payload);
  });
}
