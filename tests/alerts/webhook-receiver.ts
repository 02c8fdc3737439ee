/**
 * A real HTTP receiver on loopback for webhook tests. Its behaviour can change while it runs
 * (answer 500, hang past the sender's timeout, answer 200...); it records every request and counts
 * the 2xx answers it actually sent per webhook-id, which is what "acknowledged" means.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An API process set up for webhook tests, as `startApiProcess` env: one admin token, webhooks to
 * loopback allowed, and everything short — retries from 20 ms (20 ms, 120 ms, 480 ms, 2.4 s... with
 * full jitter), attempts cut at 500 ms, alerts evaluated every 100 ms. `headers` authorise a JSON request.
 */
export function fastWebhookApi(token: string): { env: NodeJS.ProcessEnv; headers: Record<string, string> } {
  return {
    env: {
      SWARMSCOPE_API_TOKENS: token,
      SWARMSCOPE_ALLOW_PRIVATE_TARGETS: '127.0.0.0/8,::1/128',
      SWARMSCOPE_WEBHOOK_RETRY_BASE_MS: '20',
      SWARMSCOPE_WEBHOOK_TIMEOUT_MS: '500',
      SWARMSCOPE_ALERT_POLL_INTERVAL_MS: '100',
    },
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
  };
}

export interface ReceivedRequest {
  headers: Record<string, string>;
  body: string;
  /** The status answered, or null if the request was left hanging. */
  status: number | null;
}

/** An answer, `hang` (never answer), or `reset` (close the connection without an answer, as a receiver that crashes mid-request). */
export type Behaviour = (request: ReceivedRequest) => { status: number; headers?: Record<string, string> } | 'hang' | 'reset';

export interface WebhookReceiver {
  url: string;
  received: ReceivedRequest[];
  /** 2xx answers sent, per webhook-id. */
  acks: Map<string, number>;
  behave(behaviour: Behaviour): void;
  /** Resolves once `count` requests have arrived. */
  waitForRequests(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(initial: Behaviour): Promise<WebhookReceiver> {
  let behaviour = initial;
  const received: ReceivedRequest[] = [];
  const acks = new Map<string, number>();
  const hanging = new Set<http.ServerResponse>();
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const entry: ReceivedRequest = { headers: request.headers as Record<string, string>, body: Buffer.concat(chunks).toString('utf8'), status: null };
      received.push(entry);
      const answer = behaviour(entry);
      if (answer === 'reset') {
        request.socket.destroy();
        return;
      }
      if (answer === 'hang') {
        hanging.add(response);
        response.on('close', () => hanging.delete(response));
        return;
      }
      entry.status = answer.status;
      response.writeHead(answer.status, answer.headers);
      response.end(answer.status >= 300 ? 'receiver says no' : 'ok');
      if (answer.status >= 200 && answer.status < 300) {
        const id = entry.headers['webhook-id'] ?? '';
        acks.set(id, (acks.get(id) ?? 0) + 1);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    acks,
    behave(next) {
      behaviour = next;
      // Requests left hanging by the old behaviour are never answered with a 2xx.
      for (const response of hanging) response.destroy();
    },
    async waitForRequests(count, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (received.length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} webhook requests, got ${received.length}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async close() {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
